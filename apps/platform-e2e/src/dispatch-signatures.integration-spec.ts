import { randomBytes } from 'node:crypto';
import { DispatchClient, DispatchError, GMP_HMAC_SM3, SD_GATEWAY, type SignatureScheme, ZJ_IRS } from '@gmp/dispatch-client';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { techCapabilitiesService } from '@gmp/feature-tech';
import { type RunningService, startService } from '@gmp/service-kit';
import { inOwnSchema, integrationEnv } from '@gmp/testing';
import { post, registerGrantedApp } from './dispatch-client.js';

/** What post() sends besides the signature: the platform's scheme signs it. */
/** A signed who-and-why header (a legal basis would need a grant for e-licence.verify: see legal-basis.integration-spec.ts). */
const WHY = { 'x-purpose': encodeURIComponent('签名测试 (signature e2e)') };

const LICENCE = '1.2.156.3005.2.11100000000013338W041.91320100MA1XK2Q84P.1.001.0';
const PATH = '/v1/capabilities/e-licence.verify/invoke';

/**
 * Signed requests in the three schemes business lines already use, against two dispatch
 * instances sharing Redis: a request is accepted once, on whichever instance it arrives.
 */
describe('dispatch: signed requests (HMAC schemes, replay and staleness)', () => {
  let tech: RunningService;
  let one: RunningService;
  let two: RunningService;
  const run = randomBytes(3).toString('hex');

  beforeAll(async () => {
    expect(process.env['REDIS_URL']).toBeTruthy();
    tech = await startService(inOwnSchema(techCapabilitiesService), integrationEnv());
    const dispatch = inOwnSchema(serviceDispatchService);
    one = await startService(dispatch, integrationEnv());
    two = await startService(dispatch, integrationEnv());
  }, 120_000);

  afterAll(async () => {
    await two?.close();
    await one?.close();
    await tech?.close();
  });

  /** An app signing in the scheme, granted e-licence.verify. */
  async function appFor(scheme: SignatureScheme, tag = '') {
    const app = await registerGrantedApp(one.url, `e2e-${scheme.name}${tag}-${run}`, 'e-licence.verify', { signatureScheme: scheme.name });
    expect(app.hmacSecret).toEqual(expect.any(String));
    return { appKey: app.appKey, secret: Buffer.from(app.hmacSecret!) };
  }

  const body = JSON.stringify({ licenceId: LICENCE });
  const send = (url: string, headers: Record<string, string>, payload = body) =>
    post(`${url}${PATH}`, payload, { authorization: '', ...WHY, ...headers });
  const nonce = () => randomBytes(12).toString('hex');

  it.each([GMP_HMAC_SM3, ZJ_IRS, SD_GATEWAY])(
    '$name: a signed call goes through once; its replay on the other instance, a stale one and a forged one are refused',
    async (scheme) => {
      const { appKey, secret } = await appFor(scheme);
      const headers = scheme.sign(
        { method: 'POST', path: PATH, query: '', headers: WHY, body: Buffer.from(body) },
        appKey,
        secret,
        Date.now(),
        nonce(),
      );
      const first = await send(one.url, headers);
      expect(first.status).toBe(404); // through: the provider answers that the licence does not exist
      const replay = await send(two.url, headers);
      expect(replay.status).toBe(401);
      expect(replay.body.code).toBe('SIGNATURE_REPLAYED');
      const stale = scheme.sign(
        { method: 'POST', path: PATH, query: '', headers: WHY, body: Buffer.from(body) },
        appKey,
        secret,
        Date.now() - 15 * 60_000,
        nonce(),
      );
      expect((await send(one.url, stale)).body.code).toBe('SIGNATURE_STALE');
      const forged = scheme.sign(
        { method: 'POST', path: PATH, query: '', headers: WHY, body: Buffer.from(body) },
        appKey,
        Buffer.from('not-the-secret'),
        Date.now(),
        nonce(),
      );
      expect((await send(two.url, forged)).body.code).toBe('SIGNATURE_INVALID');
    },
  );

  it('the platform scheme covers the who-and-why headers: a changed purpose or an unsigned end user is refused', async () => {
    const { appKey, secret } = await appFor(GMP_HMAC_SM3, '-why');
    const why = { ...WHY, 'x-purpose': encodeURIComponent('企业开办'), 'x-end-user': '11010519491231002X' };
    const sign = () =>
      GMP_HMAC_SM3.sign(
        { method: 'POST', path: PATH, query: '', headers: why, body: Buffer.from(body) },
        appKey,
        secret,
        Date.now(),
        nonce(),
      );
    expect((await send(one.url, { ...why, ...sign() })).status).toBe(404); // through
    expect(await send(one.url, { ...why, ...sign(), 'x-purpose': encodeURIComponent('别的用途') })).toMatchObject({
      status: 401,
      body: { code: 'SIGNATURE_INVALID' },
    });
    expect(await send(one.url, { ...why, ...sign(), 'x-case-id': 'CASE-1' })).toMatchObject({
      status: 401,
      body: { code: 'SIGNATURE_MALFORMED' },
    });
  });

  it('the platform scheme covers the body: a changed body is refused; an app cannot switch to a weaker scheme; unknown and unsigned apps are refused', async () => {
    const { appKey, secret } = await appFor(GMP_HMAC_SM3, '-body');
    const headers = GMP_HMAC_SM3.sign(
      { method: 'POST', path: PATH, query: '', headers: WHY, body: Buffer.from(body) },
      appKey,
      secret,
      Date.now(),
      nonce(),
    );
    const changed = await send(one.url, headers, JSON.stringify({ licenceId: LICENCE.replace('.0', '.1') }));
    expect(changed.status).toBe(401);
    expect(changed.body.code).toBe('SIGNATURE_INVALID');
    // Same app, Shandong headers (which do not cover the body): refused.
    const weaker = SD_GATEWAY.sign(
      { method: 'POST', path: PATH, query: '', headers: WHY, body: Buffer.from(body) },
      appKey,
      secret,
      Date.now(),
      nonce(),
    );
    expect((await send(one.url, weaker)).body.code).toBe('SIGNATURE_SCHEME_MISMATCH');
    const unknown = GMP_HMAC_SM3.sign(
      { method: 'POST', path: PATH, query: '', headers: WHY, body: Buffer.from(body) },
      `nobody-${run}`,
      secret,
      Date.now(),
      nonce(),
    );
    expect((await send(one.url, unknown)).status).toBe(401);
    expect((await send(one.url, { ...headers, 'X-Gmp-Timestamp': 'soon' })).body.code).toBe('SIGNATURE_MALFORMED');
    expect((await send(one.url, {})).body.code).toBe('UNAUTHENTICATED');
    // An app registered for signed requests cannot call with its AppSecret alone.
    const basic = await registerGrantedApp(one.url, `e2e-basic-fallback-${run}`, 'e-licence.verify', { signatureScheme: 'gmp-hmac-sm3' });
    expect((await send(one.url, basic.auth)).body.code).toBe('SIGNATURE_SCHEME_MISMATCH');
    // The typed client signs for the app: each call with a fresh nonce, so two calls both go through.
    const client = new DispatchClient({ baseUrl: two.url, credentials: { appKey, hmacSecret: secret.toString() } });
    for (let i = 0; i < 2; i++) {
      const err = await client.invoke('e-licence.verify', { licenceId: LICENCE }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DispatchError);
      expect((err as DispatchError).code).toBe('NOT_FOUND');
    }
  });
  it('zj-irs: a replay spelled differently (no padding, URL alphabet) is refused, not accepted a second time', async () => {
    const { appKey, secret } = await appFor(ZJ_IRS, '-spelling');
    const headers = ZJ_IRS.sign(
      { method: 'POST', path: PATH, query: '', headers: WHY, body: Buffer.from(body) },
      appKey,
      secret,
      Date.now(),
      nonce(),
    );
    expect((await send(one.url, headers)).status).toBe(404);
    const sig = headers['X-BG-HMAC-SIGNATURE']!;
    for (const variant of [sig.replace(/=+$/, ''), sig.replace(/\+/g, '-').replace(/\//g, '_'), `${sig.slice(0, 4)} ${sig.slice(4)}`]) {
      if (variant === sig) continue;
      const r = await send(two.url, { ...headers, 'X-BG-HMAC-SIGNATURE': variant });
      expect(r.status).toBe(401);
    }
    expect((await send(two.url, headers)).body.code).toBe('SIGNATURE_REPLAYED');
  });
});
