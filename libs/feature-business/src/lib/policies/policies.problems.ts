import { problemVocabulary } from '@gmp/service-kit';

/** 免申即享: the person's policy offers. */
export const PolicyProblem = problemVocabulary({
  OFFER_NOT_FOUND: { status: 404, title: '没有向您推送该政策 (no such policy was offered to you)' },
});
