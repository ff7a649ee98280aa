import { spawnSync } from 'node:child_process';
import { GMP_HMAC_SM3, SD_GATEWAY, type SignedRequest, sortedQuery, ZJ_IRS } from './signature-schemes.js';

const SECRET = Buffer.from('k3y-of-the-app-0123456789abcdef');
const NOW = Date.parse('2026-12-01T08:00:00Z');
const NONCE = 'n0nce-0123456789abcdef';
const base = {
  method: 'POST',
  path: '/v1/capabilities/e-licence.verify/invoke',
  query: 'b=2&a=%E4%B8%AD&a=1',
  body: Buffer.from('{"licenceId":"x"}'),
};
const signed = (scheme: typeof GMP_HMAC_SM3): SignedRequest => ({
  ...base,
  headers: lower(scheme.sign(base, 'app-1', SECRET, NOW, NONCE)),
});
const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

/** Runs OpenSSL's command line; a missing openssl or a failing command throws (never an empty answer a check could match). */
function openssl(args: string[], input: string | Buffer): Buffer {
  const r = spawnSync('openssl', args, { input });
  if (r.error) throw new Error(`openssl 无法运行 (could not be run: ${r.error.message})`);
  if (r.status !== 0 || r.stdout.length === 0)
    throw new Error(`openssl ${args[0]} 失败 (failed, exit ${r.status}): ${r.stderr.toString()}`);
  return r.stdout;
}

/** HMAC by OpenSSL's command line: an implementation that shares nothing with Node's. */
function opensslHmac(digest: 'sha256' | 'sm3', text: string): string {
  return openssl(['dgst', `-${digest}`, '-mac', 'HMAC', '-macopt', `key:${SECRET.toString()}`, '-binary'], text).toString('base64');
}

/** SM3 of the body in hex, as OpenSSL computes it. */
function opensslSm3Hex(data: Buffer): string {
  const hex = openssl(['dgst', '-sm3', '-r'], data).toString().split(' ')[0]!;
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`openssl dgst -sm3: unexpected output ${hex}`);
  return hex;
}

describe('signature schemes', () => {
  it('sorts the query by encoded name then encoded value (byte order), RFC 3986 encoding', () => {
    expect(sortedQuery('b=2&a=%E4%B8%AD&a=1&c=x%20y')).toBe('a=%E4%B8%AD&a=1&b=2&c=x%20y');
    expect(sortedQuery('')).toBe('');
  });

  it.each([GMP_HMAC_SM3, ZJ_IRS, SD_GATEWAY])('$name: what it signs verifies, within its window', (scheme) => {
    const r = signed(scheme);
    expect(scheme.claimedApp(r)).toBe('app-1');
    expect(scheme.verify(r, SECRET, NOW + 30_000)).toMatchObject({ ok: true });
    expect(scheme.verify(r, Buffer.from('another-secret'), NOW)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    expect(scheme.verify(r, SECRET, NOW + 11 * 60_000)).toMatchObject({ ok: false, code: 'SIGNATURE_STALE' });
  });

  it('gmp-hmac-sm3 covers method, path, query, app, time, nonce and body, and matches OpenSSL’s HMAC-SM3', () => {
    const r = signed(GMP_HMAC_SM3);
    const bodySm3 = opensslSm3Hex(base.body);
    const text = ['POST', base.path, 'a=%E4%B8%AD&a=1&b=2', 'app-1', String(NOW), NONCE, bodySm3].join('\n');
    expect(r.headers['x-gmp-signature']).toBe(opensslHmac('sm3', text));
    for (const change of [
      { body: Buffer.from('{"licenceId":"y"}') },
      { method: 'PUT' },
      { path: '/v1/capabilities/e-licence.get/invoke' },
      { query: 'a=1' },
      { headers: { ...r.headers, 'x-gmp-nonce': 'another-nonce-0123456' } },
    ]) {
      expect(GMP_HMAC_SM3.verify({ ...r, ...change }, SECRET, NOW)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    }
    expect(GMP_HMAC_SM3.verify({ ...r, headers: { ...r.headers, 'x-gmp-nonce': 'short' } }, SECRET, NOW)).toMatchObject({
      ok: false,
      code: 'SIGNATURE_MALFORMED',
    });
    expect(GMP_HMAC_SM3.verify(r, SECRET, NOW)).toMatchObject({ ok: true, replayKey: `gmp:${NONCE}` });
  });

  it('gmp-hmac-sm3 signs the who-and-why headers sent (one line each, as OpenSSL computes it) and refuses them unsigned or changed', () => {
    const why = { 'X-Purpose': encodeURIComponent('企业开办'), 'X-End-User': '11010519491231002X', 'Idempotency-Key': 'case-2026-0001' };
    const headers = lower(GMP_HMAC_SM3.sign({ ...base, headers: why }, 'app-1', SECRET, NOW, NONCE));
    expect(headers['x-gmp-signed-headers']).toBe('x-end-user;x-purpose;idempotency-key');
    const bodySm3 = opensslSm3Hex(base.body);
    const text = [
      'POST',
      base.path,
      'a=%E4%B8%AD&a=1&b=2',
      'app-1',
      String(NOW),
      NONCE,
      bodySm3,
      'x-end-user:11010519491231002X',
      `x-purpose:${why['X-Purpose']}`,
      'idempotency-key:case-2026-0001',
    ].join('\n');
    expect(headers['x-gmp-signature']).toBe(opensslHmac('sm3', text));
    const r: SignedRequest = { ...base, headers: { ...lower(why), ...headers } };
    expect(GMP_HMAC_SM3.verify(r, SECRET, NOW)).toMatchObject({ ok: true });
    // Another purpose, a dropped header, an added unsigned one.
    expect(GMP_HMAC_SM3.verify({ ...r, headers: { ...r.headers, 'x-purpose': 'other' } }, SECRET, NOW)).toMatchObject({
      ok: false,
      code: 'SIGNATURE_INVALID',
    });
    const { 'x-end-user': _dropped, ...without } = r.headers;
    expect(GMP_HMAC_SM3.verify({ ...r, headers: without }, SECRET, NOW)).toMatchObject({ ok: false, code: 'SIGNATURE_MALFORMED' });
    expect(GMP_HMAC_SM3.verify({ ...r, headers: { ...r.headers, 'x-legal-basis': 'added' } }, SECRET, NOW)).toMatchObject({
      ok: false,
      code: 'SIGNATURE_MALFORMED',
    });
    // A request signed before who-and-why headers were added to it.
    expect(
      GMP_HMAC_SM3.verify({ ...signed(GMP_HMAC_SM3), headers: { ...signed(GMP_HMAC_SM3).headers, 'x-case-id': 'C-1' } }, SECRET, NOW),
    ).toMatchObject({ ok: false, code: 'SIGNATURE_MALFORMED' });
  });

  it('zj-irs signs METHOD\\nPATH\\nsortedQuery\\nAK\\nDATE\\n with HMAC-SHA256 (as OpenSSL computes it), RFC 1123 dates, ±90 s', () => {
    const r = signed(ZJ_IRS);
    const date = new Date(NOW).toUTCString();
    expect(r.headers['x-bg-date-time']).toBe(date);
    expect(r.headers['x-bg-hmac-signature']).toBe(opensslHmac('sha256', `POST\n${base.path}\na=%E4%B8%AD&a=1&b=2\napp-1\n${date}\n`));
    expect(ZJ_IRS.verify(r, SECRET, NOW + 91_000)).toMatchObject({ ok: false, code: 'SIGNATURE_STALE' });
    expect(ZJ_IRS.verify({ ...r, headers: { ...r.headers, 'x-bg-hmac-algorithm': 'hmac-md5' } }, SECRET, NOW)).toMatchObject({
      ok: false,
      code: 'SIGNATURE_MALFORMED',
    });
    expect(ZJ_IRS.verify({ ...r, headers: { ...r.headers, 'x-bg-date-time': '2026-12-01T08:00:00Z' } }, SECRET, NOW)).toMatchObject({
      ok: false,
      code: 'SIGNATURE_MALFORMED',
    });
  });

  it('sd-gateway signs clientId + timestamp + nonce with HMAC-SHA256 (as OpenSSL computes it), 10-minute window', () => {
    const r = signed(SD_GATEWAY);
    expect(r.headers['x-signature']).toBe(opensslHmac('sha256', `app-1${NOW}${NONCE}`));
    expect(SD_GATEWAY.verify(r, SECRET, NOW + 9 * 60_000)).toMatchObject({ ok: true, replayKey: `sd:${NONCE}` });
    expect(SD_GATEWAY.verify({ ...r, headers: { ...r.headers, 'x-timestamp': 'yesterday' } }, SECRET, NOW)).toMatchObject({
      ok: false,
      code: 'SIGNATURE_MALFORMED',
    });
  });
});
