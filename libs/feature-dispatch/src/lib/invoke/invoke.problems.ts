import { problemVocabulary } from '@gmp/service-kit';

/** The invoke module's problems: every refusal it answers, with its status and title. */
export const InvokeProblem = problemVocabulary({
  CAPABILITY_VERSION_NOT_FOUND: { status: 404, title: '能力版本不存在 (unknown capability version)' },
  CAPABILITY_RETIRED: { status: 410, title: '该能力版本已下线 (this capability version is retired)' },
  LEGAL_BASIS_WITH_USER_TOKEN: {
    status: 403,
    title:
      '以用户令牌调用只代表该用户本人，不能声明法定依据 (a call made with a user’s own token acts for that user only: no legal basis may be declared)',
  },
  LEGAL_BASIS_NOT_GRANTED: { status: 403, title: '所声明的法定依据未获授权 (the declared legal basis is not granted)' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: '幂等键已用于另一请求 (the Idempotency-Key was used for another request)' },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, title: '同一幂等键的请求仍在处理中 (a call with this Idempotency-Key is still running)' },
  CIRCUIT_OPEN: { status: 503, title: '能力提供方暂停调用 (provider circuit open)' },
  PROVIDER_BAD_OUTPUT: { status: 502, title: '能力提供方返回无效结果 (provider returned invalid output)' },
  PROVIDER_TIMEOUT: { status: 504, title: '能力提供方超时 (provider timeout)' },
  PROVIDER_UNAVAILABLE: { status: 503, title: '能力提供方不可用 (provider unavailable)' },
  PROVIDER_ERROR: { status: 502, title: '能力提供方出错 (provider failed)' },
});
