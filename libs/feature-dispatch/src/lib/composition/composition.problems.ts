import { problemVocabulary } from '@gmp/service-kit';

/** The composition module's problems: every refusal it answers, with its status and title. */
export const CompositionProblem = problemVocabulary({
  INVALID_YAML: { status: 400, title: 'YAML 无法解析 (the YAML does not parse)' },
  COMPOSITE_INVALID: { status: 422, title: '组合能力定义未通过校验 (the composite definition does not pass the dry-run)' },
  COMPOSITE_EXISTS: { status: 409, title: '该能力版本已存在，请发布新版本 (this capability version exists; publish a new version)' },
  COMPOSITE_TIMEOUT: { status: 504, title: '组合能力超时 (composite timeout)' },
  COMPOSITE_BAD_OUTPUT: { status: 502, title: '组合能力的输出无效 (invalid composite output)' },
  /** 502 by default; a step failing for the caller's own doing keeps the step's 4xx, a provider unavailable or late its 503 / 504. */
  COMPOSITE_STEP_FAILED: { status: 502, title: '组合能力的步骤失败 (a step of the composite failed)' },
});
