import { problemVocabulary } from '@gmp/service-kit';

/** Applications and cases' problems (办件). */
export const CaseProblem = problemVocabulary({
  APPLICATION_INCOMPLETE: {
    status: 422,
    title: '申请不完整 (the application is incomplete: everything missing or wrong is listed at once)',
  },
  BUNDLE_RETIRED: { status: 409, title: '该一件事版本已停用 (this bundle version is retired)' },
  IDEMPOTENCY_KEY_REUSED: { status: 409, title: '幂等键已用于另一份申请 (the Idempotency-Key was used for another application)' },
  CASE_NOT_FOUND: { status: 404, title: '没有该办件 (no such case)' },
});
