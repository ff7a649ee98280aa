import { problemVocabulary } from '@gmp/service-kit';

/** Sharing's problems (数据共享): applications, decisions and the data services' refusals. */
export const SharingProblem = problemVocabulary({
  ITEMS_NOT_IN_RESOURCE: { status: 422, title: '申请的数据项不属于该资源 (items asked for are not items of the resource)' },
  APPLICATION_NOT_FOUND: { status: 404, title: '没有该共享申请 (no such sharing application)' },
  NOT_THE_OWNER: { status: 403, title: '只有资源提供部门可以审批或撤销 (only the resource’s provider department decides or revokes)' },
  REASON_REQUIRED: { status: 422, title: '须说明理由 (a reason is required)' },
  ALREADY_DECIDED: { status: 409, title: '该申请已处理 (the application was already decided)' },
  DECISION_OVERDUE: {
    status: 409,
    title: '已超过 10 个工作日的答复时限，申请已上报 (past the 10-working-day limit: the application was escalated)',
  },
  NOT_REVOCABLE: { status: 409, title: '只有已批准的授权可以撤销 (only an approved grant can be revoked)' },
  GRANT_NOT_USABLE: { status: 403, title: '共享授权不可用 (no usable grant: unknown, another app’s, not approved, expired or revoked)' },
  MATCH_ON_MASKED_ITEM: {
    status: 403,
    title: '不能按脱敏数据项核验 (a masked item cannot be matched: guesses would reveal it; only items the grant shows in plain)',
  },
  ITEM_NOT_GRANTED: { status: 403, title: '该数据项不在授权范围内 (the item is not granted)' },
  NO_RECORD: { status: 404, title: '该主体在资源中没有记录 (the subject has no record in the resource)' },
});
