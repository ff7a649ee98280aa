import { problemVocabulary } from '@gmp/service-kit';

/** The e-seal module's problems: every refusal it answers, with its status and title. */
export const SealProblem = problemVocabulary({
  UNKNOWN_SEAL: { status: 404, title: '印章不存在 (seal not found)' },
  SEAL_REVOKED: { status: 403, title: '印章已注销 (the seal has been revoked)' },
  SEAL_EXPIRED: { status: 403, title: '印章不在有效期内 (the seal is outside its validity)' },
  SEAL_NOT_GRANTED: { status: 403, title: '调用方无权使用该印章 (the calling app may not use this seal)' },
  PDF_NOT_SEALABLE: { status: 422, title: '该 PDF 无法盖章 (the PDF cannot be sealed)' },
  VERIFY_INPUT_INVALID: { status: 422, title: '给出 pdf，或 signature 与 data (give pdf, or signature and data)' },
});
