import { problemVocabulary } from '@gmp/service-kit';

/** The applicant's side (我的办件). Another person's case is "not found": its existence is not revealed. */
export const ApplicantProblem = problemVocabulary({
  NOT_SIGNED_IN: { status: 403, title: '须以本人账户登录调用 (call with the person’s own user token)' },
  NOT_AN_AGENT: {
    status: 403,
    title: '须为该企业当前的经办人且授权含此范围 (only a current agent of the company, authorised for this scope, acts for it)',
  },
  IDENTITY_UNAVAILABLE: { status: 503, title: '统一身份暂不可用，稍后重试 (identity did not answer; retry later)' },
  CASE_NOT_FOUND: { status: 404, title: '没有您的这一办件 (you have no such case)' },
  CASE_SETTLED: { status: 409, title: '办件已办结或已终止，不能撤回 (the case is settled or stopped: it cannot be withdrawn)' },
});
