import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** What a signature scheme sees of a request. */
export interface SignedRequest {
  method: string;
  /** The path without the query string, as sent. */
  path: string;
  /** The raw query string (without `?`), or ''. */
  query: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body's bytes as received (empty for none). */
  body: Buffer;
}

export type SignatureFailure = { ok: false; code: 'SIGNATURE_MALFORMED' | 'SIGNATURE_STALE' | 'SIGNATURE_INVALID'; detail: string };
/** A valid signature, and what identifies the request against replays within the window. */
export type SignatureCheck = { ok: true; replayKey: string; windowMs: number } | SignatureFailure;

/**
 * A way business-line systems sign requests with their app's HMAC secret. `claimedApp` reads
 * which app a request says it is from (null: not this scheme's headers); `verify` checks the
 * signature and the time window.
 */
export interface SignatureScheme {
  readonly name: SignatureSchemeName;
  readonly description: string;
  claimedApp(request: SignedRequest): string | null;
  verify(request: SignedRequest, secret: Buffer, now: number): SignatureCheck;
  /**
   * The headers a client sends (for the dispatch client, the docs and the tests). `headers`:
   * the request's other headers — the platform's scheme signs the who-and-why ones among them.
   */
  sign(
    request: Omit<SignedRequest, 'headers'> & { headers?: SignedRequest['headers'] },
    appKey: string,
    secret: Buffer,
    now: number,
    nonce: string,
  ): Record<string, string>;
}

export const SIGNATURE_SCHEMES_NAMES = ['gmp-hmac-sm3', 'zj-irs', 'sd-gateway'] as const;
export type SignatureSchemeName = (typeof SIGNATURE_SCHEMES_NAMES)[number];

const header = (r: SignedRequest, name: string): string | undefined => {
  const v = r.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Query parameters percent-encoded (RFC 3986), sorted by encoded name then encoded value (byte order), joined with `&`. */
export function sortedQuery(query: string): string {
  const pairs = [...new URLSearchParams(query)].map(([k, v]) => [encodeRfc3986(k), encodeRfc3986(v)] as const);
  pairs.sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function encodeRfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Only canonical base64 counts (no missing or extra padding, no URL alphabet, no spaces): one signature, one spelling. */
function sameSignature(given: string, expected: Buffer): boolean {
  const g = Buffer.from(given, 'base64');
  return g.toString('base64') === given && g.length === expected.length && timingSafeEqual(g, expected);
}

function stale(detail: string): SignatureFailure {
  return { ok: false, code: 'SIGNATURE_STALE', detail };
}
function malformed(detail: string): SignatureFailure {
  return { ok: false, code: 'SIGNATURE_MALFORMED', detail };
}
const INVALID: SignatureFailure = { ok: false, code: 'SIGNATURE_INVALID', detail: '签名不符 (signature does not match)' };

/** Who-and-why and call-control headers: when a request carries them, the platform's scheme must sign them. */
export const GMP_SIGNED_HEADERS = [
  'x-end-user',
  'x-purpose',
  'x-legal-basis',
  'x-case-id',
  'idempotency-key',
  'x-capability-version',
] as const;

/**
 * The platform's own scheme (国密): HMAC-SM3 over method, path, sorted query, AppKey,
 * timestamp, nonce, the SM3 of the body and the who-and-why headers sent — so neither the body
 * nor the declared end user, purpose, legal basis, case, idempotency key or version can be
 * changed in transit. Headers `X-Gmp-App-Key`, `X-Gmp-Timestamp` (ms), `X-Gmp-Nonce` (16–64 of
 * [A-Za-z0-9_-]), `X-Gmp-Signature` (base64) and, when any of GMP_SIGNED_HEADERS is sent,
 * `X-Gmp-Signed-Headers` naming them (lower case, `;`-separated, in GMP_SIGNED_HEADERS order);
 * each adds a line `name:value` (spaces and tabs at the ends removed, as HTTP does) to the string to sign. Window ±5 minutes; a nonce is accepted once.
 */
export const GMP_HMAC_SM3: SignatureScheme = {
  name: 'gmp-hmac-sm3',
  description: '平台签名 HMAC-SM3（含请求体摘要）(platform scheme: HMAC-SM3 incl. body digest)',
  claimedApp: (r) => header(r, 'x-gmp-app-key') ?? null,
  verify(r, secret, now) {
    const appKey = header(r, 'x-gmp-app-key')!;
    const ts = header(r, 'x-gmp-timestamp');
    const nonce = header(r, 'x-gmp-nonce');
    const signature = header(r, 'x-gmp-signature');
    if (!ts || !/^\d{13}$/.test(ts) || !nonce || !/^[A-Za-z0-9_-]{16,64}$/.test(nonce) || !signature)
      return malformed(
        '需要 X-Gmp-Timestamp（毫秒）、X-Gmp-Nonce（16–64 位）与 X-Gmp-Signature (X-Gmp-Timestamp in ms, X-Gmp-Nonce of 16–64 characters and X-Gmp-Signature required)',
      );
    if (Math.abs(now - Number(ts)) > 5 * 60_000) return stale('时间戳超出 ±5 分钟 (timestamp outside ±5 minutes)');
    const sent = signedHeadersOf(r);
    const listed = header(r, 'x-gmp-signed-headers') ?? '';
    if (listed !== sent.join(';'))
      return malformed(
        `X-Gmp-Signed-Headers 须列出所发送的 ${sent.join(';') || '(无 none)'} (X-Gmp-Signed-Headers must name the who-and-why headers sent, in order: ${sent.join(';') || 'none'})`,
      );
    return sameSignature(signature, gmpSignature(r, appKey, ts, nonce, sent, secret))
      ? { ok: true, replayKey: `gmp:${nonce}`, windowMs: 10 * 60_000 }
      : INVALID;
  },
  sign(r, appKey, secret, now, nonce) {
    const ts = String(now);
    const request: SignedRequest = { ...r, headers: lowerCased(r.headers ?? {}) };
    const sent = signedHeadersOf(request);
    return {
      'X-Gmp-App-Key': appKey,
      'X-Gmp-Timestamp': ts,
      'X-Gmp-Nonce': nonce,
      ...(sent.length ? { 'X-Gmp-Signed-Headers': sent.join(';') } : {}),
      'X-Gmp-Signature': gmpSignature(request, appKey, ts, nonce, sent, secret).toString('base64'),
    };
  },
};

/** The GMP_SIGNED_HEADERS present in a request, in that order. */
function signedHeadersOf(r: SignedRequest): string[] {
  return GMP_SIGNED_HEADERS.filter((h) => header(r, h) !== undefined);
}

function lowerCased(headers: SignedRequest['headers']): SignedRequest['headers'] {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function gmpSignature(r: SignedRequest, appKey: string, ts: string, nonce: string, signed: string[], secret: Buffer): Buffer {
  const lines = [
    r.method.toUpperCase(),
    r.path,
    sortedQuery(r.query),
    appKey,
    ts,
    nonce,
    createHash('sm3').update(r.body).digest('hex'),
    ...signed.map((h) => `${h}:${header(r, h)!.replace(/^[ \t]+|[ \t]+$/g, '')}`),
  ];
  return createHmac('sm3', secret).update(lines.join('\n')).digest();
}

/**
 * Zhejiang IRS gateway style: `X-BG-HMAC-ACCESS-KEY`, `X-BG-HMAC-ALGORITHM: hmac-sha256`,
 * `X-BG-DATE-TIME` (RFC 1123, ±90 s), `X-BG-HMAC-SIGNATURE` = base64(HMAC-SHA256 of
 * `METHOD\nPATH\nsortedQuery\nAK\nDATE\n`). The scheme has no nonce and does not cover the
 * body: a signature is accepted once (its replay key) — so one app can make one such call per
 * path and query per second.
 */
export const ZJ_IRS: SignatureScheme = {
  name: 'zj-irs',
  description: '浙江 IRS 网关式 X-BG-HMAC-* (Zhejiang IRS gateway headers)',
  claimedApp: (r) => header(r, 'x-bg-hmac-access-key') ?? null,
  verify(r, secret, now) {
    const ak = header(r, 'x-bg-hmac-access-key')!;
    const date = header(r, 'x-bg-date-time');
    const algorithm = header(r, 'x-bg-hmac-algorithm');
    const signature = header(r, 'x-bg-hmac-signature');
    if (!date || !signature || (algorithm ?? '').toLowerCase() !== 'hmac-sha256')
      return malformed(
        '需要 X-BG-DATE-TIME、X-BG-HMAC-SIGNATURE 与 X-BG-HMAC-ALGORITHM: hmac-sha256 (X-BG-DATE-TIME, X-BG-HMAC-SIGNATURE and X-BG-HMAC-ALGORITHM: hmac-sha256 required)',
      );
    const at = Date.parse(date);
    if (Number.isNaN(at) || !/GMT$/.test(date))
      return malformed('X-BG-DATE-TIME 须为 RFC 1123 时间 (must be an RFC 1123 date, e.g. Tue, 01 Dec 2026 08:00:00 GMT)');
    if (Math.abs(now - at) > 90_000) return stale('时间超出 ±90 秒 (date outside ±90 s)');
    return sameSignature(signature, zjSignature(r, ak, date, secret))
      ? { ok: true, replayKey: `zj:${Buffer.from(signature, 'base64').toString('hex')}`, windowMs: 200_000 }
      : INVALID;
  },
  sign(r, appKey, secret, now) {
    const date = new Date(now).toUTCString();
    return {
      'X-BG-HMAC-ACCESS-KEY': appKey,
      'X-BG-HMAC-ALGORITHM': 'hmac-sha256',
      'X-BG-DATE-TIME': date,
      'X-BG-HMAC-SIGNATURE': zjSignature({ ...r, headers: {} }, appKey, date, secret).toString('base64'),
    };
  },
};

function zjSignature(r: SignedRequest, ak: string, date: string, secret: Buffer): Buffer {
  return createHmac('sha256', secret)
    .update(`${r.method.toUpperCase()}\n${r.path}\n${sortedQuery(r.query)}\n${ak}\n${date}\n`)
    .digest();
}

/**
 * Shandong gateway style: `X-Client-Id`, `X-Timestamp` (ms, 10-minute window), `X-Nonce`,
 * `X-Signature` = base64(HMAC-SHA256(clientId + timestamp + nonce)). It covers neither path
 * nor body; a nonce is accepted once.
 */
export const SD_GATEWAY: SignatureScheme = {
  name: 'sd-gateway',
  description: '山东网关式 X-Client-Id/X-Timestamp/X-Nonce/X-Signature (Shandong gateway headers)',
  claimedApp: (r) => header(r, 'x-client-id') ?? null,
  verify(r, secret, now) {
    const id = header(r, 'x-client-id')!;
    const ts = header(r, 'x-timestamp');
    const nonce = header(r, 'x-nonce');
    const signature = header(r, 'x-signature');
    if (!ts || !/^\d{13}$/.test(ts) || !nonce || !/^[A-Za-z0-9_-]{8,64}$/.test(nonce) || !signature)
      return malformed('需要 X-Timestamp（毫秒）、X-Nonce 与 X-Signature (X-Timestamp in ms, X-Nonce and X-Signature required)');
    if (Math.abs(now - Number(ts)) > 10 * 60_000) return stale('时间戳超出 10 分钟窗口 (timestamp outside the 10-minute window)');
    return sameSignature(signature, createHmac('sha256', secret).update(`${id}${ts}${nonce}`).digest())
      ? { ok: true, replayKey: `sd:${nonce}`, windowMs: 20 * 60_000 }
      : INVALID;
  },
  sign(_r, appKey, secret, now, nonce) {
    const ts = String(now);
    return {
      'X-Client-Id': appKey,
      'X-Timestamp': ts,
      'X-Nonce': nonce,
      'X-Signature': createHmac('sha256', secret).update(`${appKey}${ts}${nonce}`).digest('base64'),
    };
  },
};

export const SIGNATURE_SCHEMES: readonly SignatureScheme[] = [GMP_HMAC_SM3, ZJ_IRS, SD_GATEWAY];

export function signatureScheme(name: string): SignatureScheme | undefined {
  return SIGNATURE_SCHEMES.find((s) => s.name === name);
}
