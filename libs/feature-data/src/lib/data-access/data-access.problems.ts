import { problemVocabulary } from '@gmp/service-kit';

/** "Who used my data"'s problems. */
export const DataAccessProblem = problemVocabulary({
  NOT_SIGNED_IN: {
    status: 403,
    title: '须由本人登录后查询 (only the person, signed in with their own token, reads their data-use log)',
  },
  NOT_AN_AGENT: {
    status: 403,
    title: '须为该企业当前的经办人且授权含 data:usage (only a current agent of the company, authorised for data:usage, reads its log)',
  },
  IDENTITY_UNAVAILABLE: { status: 503, title: '统一身份认证暂不可用 (identity did not answer; try again)' },
});
