import { problemVocabulary } from '@gmp/service-kit';

/** The grants module's problems: every refusal it answers, with its status and title. */
export const GrantsProblem = problemVocabulary({
  GRANT_REQUIRED: { status: 403, title: '未获准调用该能力 (the app has no approved subscription to this capability)' },
  SUBSCRIPTION_EXISTS: { status: 409, title: '已有待审批或已批准的订阅 (a pending or approved subscription exists)' },
  SUBSCRIPTION_NOT_FOUND: { status: 404, title: '订阅不存在 (no such subscription)' },
  SUBSCRIPTION_STATE: { status: 409, title: '订阅状态不允许该操作 (the subscription’s status does not allow this)' },
});
