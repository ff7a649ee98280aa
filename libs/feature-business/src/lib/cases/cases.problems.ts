import { problemVocabulary } from '@gmp/service-kit';

/** Applications and cases' problems (办件). */
export const CaseProblem = problemVocabulary({
  APPLICATION_INCOMPLETE: {
    status: 422,
    title: '申请不完整 (the application is incomplete: everything missing or wrong is listed at once)',
  },
  BUNDLE_RETIRED: { status: 409, title: '该一件事版本已停用 (this bundle version is retired)' },
  IDEMPOTENCY_KEY_REUSED: { status: 409, title: '幂等键已用于另一份申请 (the Idempotency-Key was used for another application)' },
  SUPPLEMENT_NOT_FOUND: { status: 404, title: '该办件没有这项容缺材料 (the case has no such material accepted missing)' },
  SUPPLEMENT_CLOSED: { status: 409, title: '该容缺材料已补齐或已逾期 (the supplement was already supplied, or is past its due day)' },
  CASE_NOT_FOUND: { status: 404, title: '没有该办件 (no such case)' },
  PART_NOT_FOUND: { status: 404, title: '该办件没有这一事项 (the case has no part for this matter)' },
  NOT_SENT_BACK: { status: 409, title: '该事项未退回补正 (the part is not waiting for a correction)' },
  CORRECTION_INCOMPLETE: {
    status: 422,
    title: '补正不完整 (the correction is incomplete: every marked field and material, and nothing else, is listed at once)',
  },
});
