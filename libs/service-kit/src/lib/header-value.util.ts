import { CommonProblem, type ProblemException } from './problem.js';

/** C0 controls, DEL, C1 controls, line/paragraph separators, lone surrogates: nothing a who-or-why value may hold (PostgreSQL cannot store NUL; logs and audits must not be forged). */
const UNPRINTABLE =
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|\p{Cf}|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u;

/** True when the text holds a character no header value of the platform may carry. */
export function hasUnprintable(text: string): boolean {
  return UNPRINTABLE.test(text);
}

export function invalidHeader(header: string, message: string): ProblemException {
  return CommonProblem.INVALID_HEADER(`${header}: ${message}`, [{ field: header, message }]);
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
  if (!/^[\x20-\x7e]*$/.test(raw))
    throw invalidHeader(header, '只能含可打印 ASCII 字符，中文等须百分号编码 (printable ASCII only: percent-encode other text)');
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
