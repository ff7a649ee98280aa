import { problemVocabulary } from '@gmp/service-kit';

/** The quota module's problems: every refusal it answers, with its status and title. */
export const QuotaProblem = problemVocabulary({
  RATE_LIMITED: { status: 429, title: '调用过于频繁 (rate limit exceeded)' },
  QUOTA_EXCEEDED: { status: 429, title: '今日调用配额已用完 (daily quota used up)' },
});
