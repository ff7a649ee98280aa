import { problemVocabulary } from '@gmp/service-kit';

/** The back office's problems (部门审批). A part outside the caller's data scope is "not found": its existence is not revealed. */
export const BackOfficeProblem = problemVocabulary({
  PART_NOT_FOUND: { status: 404, title: '没有该办件部分，或不在您的数据权限内 (no such part, or outside your data scope)' },
  PART_CLOSED: { status: 409, title: '该部分已办结或已终止 (the part is already decided or stopped)' },
  PART_CHANGED: { status: 409, title: '该部分已被他人处理，请刷新 (somebody else moved the part on; reload it)' },
  CLAIMED_BY_OTHER: { status: 409, title: '该部分已由他人签收 (another staff member has claimed the part)' },
  NOT_CLAIMED_BY_YOU: { status: 409, title: '您未签收该部分 (you have not claimed the part)' },
  ACTION_NOT_AVAILABLE: { status: 409, title: '当前环节没有该操作 (no such action from the part’s current step)' },
  ROLE_NOT_ALLOWED: { status: 403, title: '您的角色不能办理当前环节 (none of your roles may take this step)' },
  DECISION_INVALID: { status: 422, title: '办理意见不完整 (the decision is incomplete or names what the part does not have)' },
  CLOCK_PAUSED: { status: 409, title: '该部分已暂停计时，先恢复计时再办理 (the part’s clock is paused: resume it first)' },
  CLOCK_NOT_PAUSED: { status: 409, title: '该部分未因特别程序暂停计时 (the part’s clock is not paused for a special procedure)' },
  EXTENSION_NOT_ALLOWED: {
    status: 422,
    title: '延期超出法定时限 (an extension may not pass the matter’s legal time limit)',
  },
  COMMITMENT_NOT_FOUND: { status: 404, title: '该部分没有这项告知承诺 (the part has no commitment for this material)' },
  COMMITMENT_NOT_OPEN: {
    status: 409,
    title: '该告知承诺不待认定：尚未出件、待数据核查，或已认定 (nothing to decide: not delivered yet, awaiting its data check, or decided)',
  },
  DIRECTORY_UNAVAILABLE: {
    status: 503,
    title: '统一身份的部门目录暂不可用，稍后重试 (identity’s department directory did not answer; retry later)',
  },
});
