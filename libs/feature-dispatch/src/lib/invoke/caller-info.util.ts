import { ProblemException } from '@gmp/service-kit';
import type { AppRequest } from '../apps/app-credentials.guard.js';
import { LEGAL_BASIS_CODE } from '../legal-bases/legal-basis.entity.js';
import type { CallerInfo } from './capability-invoker.service.js';

/** C0 controls, DEL, C1 controls, line/paragraph separators, lone surrogates: nothing a who-or-why value may hold (PostgreSQL cannot store NUL; logs and audits must not be forged). */
// eslint-disable-next-line no-control-regex -- control characters are what this refuses
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|\p{Cf}|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u;

/** True when the text holds a character no header value of the platform may carry. */
export function hasUnprintable(text: string): boolean {
  return UNPRINTABLE.test(text);
}

function invalidHeader(header: string, message: string): ProblemException {
  return new ProblemException(400, 'INVALID_HEADER', '请求头无效 (invalid header)', `${header}: ${message}`, [{ field: header, message }]);
}

/**
 * A who-or-why header's value: one value only, percent-decoded when `decode` (purposes are often
 * Chinese), within `max` characters, with no control characters, separators or lone surrogates.
 * Malformed encodings are refused (400 INVALID_HEADER) — never passed on as typed.
 */
export function headerValue(raw: string | string[] | undefined, header: string, o: { decode?: boolean; max: number }): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (Array.isArray(raw)) throw invalidHeader(header, '只能出现一次 (must appear once)');
  // As received: printable ASCII only (Node reads other bytes as Latin-1, so raw UTF-8 would
  // arrive garbled and C1 controls would pass): non-ASCII text is sent percent-encoded.
  if (!/^[\x20-\x7e]*$/.test(raw)) throw invalidHeader(header, '只能含可打印 ASCII 字符，中文等须百分号编码 (printable ASCII only: percent-encode other text)');
  let value = raw;
  if (o.decode) {
    try {
      value = decodeURIComponent(raw);
    } catch {
      throw invalidHeader(header, '百分号编码无效 (malformed percent-encoding)');
    }
  }
  if (o.decode && hasUnprintable(value)) throw invalidHeader(header, '含控制字符或无效字符 (contains control or invalid characters)');
  if (value.trim() === '') throw invalidHeader(header, '不能为空白 (must not be blank)');
  if (value.length > o.max) throw invalidHeader(header, `最长 ${o.max} 个字符 (at most ${o.max} characters)`);
  return value;
}

const WHO_AND_WHY = ['x-end-user', 'x-purpose', 'x-legal-basis', 'x-case-id', 'x-capability-version', 'idempotency-key'];

/**
 * Who and why of a call, from the authenticated app and the request's headers (X-End-User,
 * X-Purpose, X-Legal-Basis, X-Case-Id, X-Capability-Version, Idempotency-Key), each checked at
 * the edge. X-Legal-Basis is a registered legal-basis code (the invoker checks that the app was
 * granted it). The signed-in user of a user token wins over X-End-User.
 */
export function callerOf(request: AppRequest): CallerInfo {
  const h = request.headers;
  // Node joins a repeated X-* header into "a, b": count the raw occurrences instead.
  const raw = request.raw?.rawHeaders ?? [];
  for (const name of WHO_AND_WHY) {
    let n = 0;
    for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) n++;
    if (n > 1) throw invalidHeader(name.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase()), '只能出现一次 (must appear once)');
  }
  const endUser = headerValue(h['x-end-user'], 'X-End-User', { max: 128 });
  const purpose = headerValue(h['x-purpose'], 'X-Purpose', { decode: true, max: 256 });
  const legalBasis = headerValue(h['x-legal-basis'], 'X-Legal-Basis', { max: 64 });
  if (legalBasis !== undefined && !LEGAL_BASIS_CODE.test(legalBasis)) {
    throw invalidHeader('X-Legal-Basis', '须为已登记的法定依据编码，如 demo.gov-data-sharing，见 GET /v1/legal-bases (must be a registered legal-basis code)');
  }
  const caseId = headerValue(h['x-case-id'], 'X-Case-Id', { max: 64 });
  const version = headerValue(h['x-capability-version'], 'X-Capability-Version', { max: 16 });
  const idempotencyKey = headerValue(h['idempotency-key'], 'Idempotency-Key', { max: 256 });
  return {
    appKey: request.app!.appKey,
    limits: request.app!.limits,
    endUser: request.tokenEndUser ?? endUser,
    endUserAuthenticated: request.tokenEndUser !== undefined,
    purpose,
    legalBasis,
    caseId,
    ...(version !== undefined ? { version } : {}),
    ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
  };
}
