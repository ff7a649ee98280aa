import { problemVocabulary } from '@gmp/service-kit';

// The capability codes are the registry's, whoever registers under them (proxy, composition) or looks them up (grants, invoke, legal-bases).
/** The registry module's problems: every refusal it answers, with its status and title. */
export const RegistryProblem = problemVocabulary({
  CAPABILITY_NOT_FOUND: { status: 404, title: '能力不存在 (unknown capability)' },
  CAPABILITY_CODE_TAKEN: { status: 409, title: '能力编码已被占用 (the capability code is taken)' },
});
