import { problemVocabulary } from '@gmp/service-kit';

/** The proxy module's problems: every refusal it answers, with its status and title. */
export const ProxyProblem = problemVocabulary({
  UPSTREAM_FORBIDDEN: { status: 422, title: '上游地址无效 (invalid upstream URL)' },
  INVALID_MAPPING: { status: 422, title: '映射表达式无效 (invalid JSONata mapping)' },
  INVALID_SCHEMA: { status: 422, title: '输入模式无效 (invalid JSON Schema)' },
  UPSTREAM_TIMEOUT: { status: 504, title: '上游接口超时 (upstream timeout)' },
  UPSTREAM_UNREACHABLE: { status: 502, title: '上游接口不可达 (upstream unreachable)' },
  UPSTREAM_AUTH_FAILED: { status: 502, title: '未能取得上游接口的访问令牌 (could not obtain the upstream access token)' },
  UPSTREAM_BAD_ANSWER: { status: 502, title: '上游接口应答无效 (invalid upstream answer)' },
  /** 502 when the upstream refused our credentials (401 / 403); any other 4xx of the upstream is relayed with its status. */
  UPSTREAM_REFUSED: { status: 502, title: '上游接口拒绝 (upstream refused)' },
  UPSTREAM_ERROR: { status: 502, title: '上游接口出错 (upstream failed)' },
});
