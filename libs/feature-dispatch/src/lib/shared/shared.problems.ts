import { problemVocabulary } from '@gmp/service-kit';

// JSONata mappings are evaluated here (CompiledCache) for the proxy and the composites alike.
/** The shared module's problems: every refusal it answers, with its status and title. */
export const SharedProblem = problemVocabulary({
  MAPPING_FAILED: { status: 502, title: '映射失败 (a mapping failed)' },
});
