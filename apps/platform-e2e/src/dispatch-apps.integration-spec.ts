import { randomBytes } from 'node:crypto';
import { GMP_HMAC_SM3 } from '@gmp/dispatch-client';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { type RunningService, startService } from '@gmp/service-kit';
import { inOwnSchema, integrationEnv } from '@gmp/testing';
import { getJson, INTERNAL, post, putJson } from './dispatch-client.js';

/** Business-line apps as operators register them: contacts, an optional IP allow-list enforced for every kind of app credential. */
describe('dispatch: app contacts and IP allow-lists', () => {
  let dispatch: RunningService;
  const run = randomBytes(3).toString('hex');
  const CALL = '/v1/capabilities/e-licence.verify/invoke';
  const INPUT = { licenceId: '1.2.156.3005.2.11100000000013338W041.91320100MA1XK2Q84P.1.001.0' };

  beforeAll(async () => {
    dispatch = await startService(inOwnSchema(serviceDispatchService), integrationEnv());
  }, 120_000);

  afterAll(async () => {
    await dispatch?.close();
  });

  const register = (body: Record<string, unknown>) =>
    post(`${dispatch.url}/internal/v1/apps`, { name: '测试应用', ownerDepartment: '测试厅', ...body }, INTERNAL);

  it('keeps contacts and an allow-list; calls from elsewhere are refused (403 IP_NOT_ALLOWED, audited) until the list admits the address', async () => {
    const appKey = `e2e-ips-${run}`;
    const contacts = [{ name: '王工', role: '技术负责人', phone: '025-83000000', email: 'wang@example.gov.cn' }];
    const registered = await register({ appKey, contacts, allowedIps: ['10.0.0.0/8', '2001:db8::/32'] });
    expect(registered).toMatchObject({ status: 201, body: { contacts, allowedIps: ['10.0.0.0/8', '2001:db8::/32'] } });
    const shown = await getJson(`${dispatch.url}/internal/v1/apps/${appKey}`, INTERNAL);
    expect(shown.body).toMatchObject({ appKey, contacts, allowedIps: ['10.0.0.0/8', '2001:db8::/32'], status: 'active' });
    expect(JSON.stringify(shown.body)).not.toMatch(/secret|hash/i);

    const auth = { authorization: `Basic ${Buffer.from(`${appKey}:${registered.body.appSecret}`).toString('base64')}` };
    const refused = await post(`${dispatch.url}${CALL}`, INPUT, { ...auth, 'x-correlation-id': `ips-${run}` });
    expect(refused).toMatchObject({ status: 403, body: { code: 'IP_NOT_ALLOWED', detail: '127.0.0.1' } });
    // Not only calls: every app-authenticated route.
    expect((await getJson(`${dispatch.url}/v1/subscriptions`, auth)).body.code).toBe('IP_NOT_ALLOWED');
    const audit = await getJson(`${dispatch.url}/internal/v1/audit/calls?app=${appKey}&limit=5`, INTERNAL);
    expect(audit.body.calls[0]).toMatchObject({ app: appKey, status: 403, code: 'IP_NOT_ALLOWED', correlationId: `ips-${run}` });

    // Admitted: the call passes the door and meets the next check (no subscription yet).
    expect(await putJson(`${dispatch.url}/internal/v1/apps/${appKey}/allowed-ips`, { allowedIps: ['127.0.0.0/8', '::1'] })).toMatchObject({
      status: 200,
      body: { allowedIps: ['127.0.0.0/8', '::1'] },
    });
    expect((await post(`${dispatch.url}${CALL}`, INPUT, auth)).body.code).toBe('GRANT_REQUIRED');
    // Bad entries are named; an empty list means anywhere.
    const bad = await putJson(`${dispatch.url}/internal/v1/apps/${appKey}/allowed-ips`, {
      allowedIps: ['127.0.0.1', 'not-an-ip', '10.0.0.0/33'],
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.errors)).toContain('not-an-ip');
    expect(JSON.stringify(bad.body.errors)).toContain('10.0.0.0/33');
    expect((await putJson(`${dispatch.url}/internal/v1/apps/${appKey}/allowed-ips`, { allowedIps: [] })).body.allowedIps).toBeNull();
    expect((await post(`${dispatch.url}${CALL}`, INPUT, auth)).body.code).toBe('GRANT_REQUIRED');
    expect((await putJson(`${dispatch.url}/internal/v1/apps/nobody-${run}/allowed-ips`, { allowedIps: null })).status).toBe(404);
  });

  it('applies the allow-list to signed requests too', async () => {
    const appKey = `e2e-ips-signed-${run}`;
    const registered = await register({ appKey, signatureScheme: 'gmp-hmac-sm3', allowedIps: ['192.168.10.0/24'] });
    const body = JSON.stringify(INPUT);
    const sign = () =>
      GMP_HMAC_SM3.sign(
        { method: 'POST', path: CALL, query: '', body: Buffer.from(body) },
        appKey,
        Buffer.from(registered.body.hmacSecret),
        Date.now(),
        randomBytes(12).toString('hex'),
      );
    expect((await post(`${dispatch.url}${CALL}`, body, { authorization: '', 'x-legal-basis': '', ...sign() })).body.code).toBe(
      'IP_NOT_ALLOWED',
    );
    await putJson(`${dispatch.url}/internal/v1/apps/${appKey}/allowed-ips`, { allowedIps: ['127.0.0.1'] });
    expect((await post(`${dispatch.url}${CALL}`, body, { authorization: '', 'x-legal-basis': '', ...sign() })).body.code).toBe(
      'GRANT_REQUIRED',
    );
  });

  it('checks contacts and allow-lists at registration and on change', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ contacts: [{ name: '李工', phone: 'call me' }] }, 'phone'],
      [{ contacts: [{ name: '李工', email: 'not-mail' }] }, 'email'],
      [{ contacts: Array.from({ length: 6 }, (_, i) => ({ name: `联系人${i}` })) }, 'contacts'],
      [{ contacts: [{ name: '李工', wechat: 'x' }] }, 'wechat'],
      [{ allowedIps: ['300.1.1.1'] }, 'allowedIps'],
      // A mapped IPv6 range would cover all of IPv4.
      [{ allowedIps: ['::ffff:10.32.0.0/16'] }, 'allowedIps'],
    ];
    for (const [over, field] of cases) {
      const r = await register({ appKey: `e2e-bad-${run}-${field}`, ...over });
      expect({ field, status: r.status, code: r.body.code }).toEqual({ field, status: 400, code: 'INVALID_INPUT' });
      expect(JSON.stringify(r.body.errors ?? r.body.detail)).toContain(field);
    }
    // A platform service's name is not an app's: its calls would pass for the service's own (grants, seals).
    for (const reserved of ['business-platform', 'Data-Platform', 'tech-capabilities', 'service-dispatch'])
      expect((await register({ appKey: reserved })).body).toMatchObject({ status: 422, code: 'APP_KEY_RESERVED' });
    const appKey = `e2e-contacts-${run}`;
    expect((await register({ appKey })).body.contacts).toEqual([]);
    expect(
      (await putJson(`${dispatch.url}/internal/v1/apps/${appKey}/contacts`, { contacts: [{ name: '赵工', email: 'zhao@example.gov.cn' }] }))
        .status,
    ).toBe(200);
    expect((await getJson(`${dispatch.url}/internal/v1/apps/${appKey}`, INTERNAL)).body.contacts).toEqual([
      { name: '赵工', email: 'zhao@example.gov.cn' },
    ]);
    expect((await getJson(`${dispatch.url}/internal/v1/apps/nobody-${run}`, INTERNAL)).status).toBe(404);
  });
});
