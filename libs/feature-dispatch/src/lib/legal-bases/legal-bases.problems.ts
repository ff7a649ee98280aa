import { problemVocabulary } from '@gmp/service-kit';

/** The legal-bases module's problems: every refusal it answers, with its status and title. */
export const LegalBasesProblem = problemVocabulary({
  LEGAL_BASIS_NOT_FOUND: { status: 404, title: '法定依据未登记 (no such legal basis)' },
  LEGAL_BASIS_EXISTS: { status: 409, title: '该法定依据编码已登记 (a legal basis with this code exists)' },
  LEGAL_BASIS_RETIRED: { status: 409, title: '该法定依据已停用 (the legal basis is already retired)' },
  // The same code as the registry's 404, answered 422 here: the unknown capability is named in the body, not the path.
  CAPABILITY_NOT_FOUND: { status: 422, title: '能力不存在 (unknown capability)' },
  LEGAL_BASIS_NOT_APPLICABLE: { status: 422, title: '法定依据不适用 (legal basis not applicable)' },
});
