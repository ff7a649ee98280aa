import { problemVocabulary } from '@gmp/service-kit';

/** The async module's problems: every refusal it answers, with its status and title. */
export const AsyncCallsProblem = problemVocabulary({
  CALL_NOT_FOUND: { status: 404, title: '调用不存在 (no such call of this app)' },
});
