import { problemVocabulary } from '@gmp/service-kit';

/** The apps module's problems: every refusal it answers, with its status and title. */
export const AppsProblem = problemVocabulary({
  SIGNATURE_SCHEME_MISMATCH: { status: 401, title: '签名方式与应用登记的不符 (not the signature scheme registered for this app)' },
  SIGNATURE_MALFORMED: { status: 401, title: '签名校验失败 (signature check failed)' },
  SIGNATURE_STALE: { status: 401, title: '签名校验失败 (signature check failed)' },
  SIGNATURE_INVALID: { status: 401, title: '签名校验失败 (signature check failed)' },
  SIGNATURE_REPLAYED: { status: 401, title: '重放的请求 (replayed request)' },
  REPLAY_STORE_UNAVAILABLE: { status: 503, title: '防重放存储不可用 (replay store unavailable)' },
  INSUFFICIENT_SCOPE: { status: 403, title: '权限不足 (insufficient scope)' },
  CLIENT_ID_UNSUPPORTED: { status: 403, title: '客户端标识过长或含不支持的字符 (client id too long or with unsupported characters)' },
  IP_NOT_ALLOWED: { status: 403, title: '来源地址不在应用的允许列表中 (the calling address is not in the app’s allow-list)' },
  APP_KEY_RESERVED: { status: 422, title: '应用标识为平台服务保留 (the appKey is a platform service’s name, reserved)' },
  APP_EXISTS: { status: 409, title: '应用已登记 (an app with this appKey exists)' },
  APP_NOT_FOUND: { status: 404, title: '应用不存在 (no such app)' },
});
