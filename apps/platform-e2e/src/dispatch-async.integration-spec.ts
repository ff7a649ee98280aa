import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DispatchClient, GMP_HMAC_SM3 } from '@gmp/dispatch-client';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { DEMO_PERSON, techCapabilitiesService } from '@gmp/feature-tech';
import { type RunningService, startService } from '@gmp/service-kit';
import { eventually, inOwnSchema, integrationEnv, TEST_INTERNAL_API_TOKEN } from '@gmp/testing';
import { getJson, post, putJson, registerGrantedApp, TEST_LEGAL_BASIS } from './dispatch-client.js';

/** Asynchronous calls: 202 + call id, the answer by id and at the app's callback (signed, retried). */
describe('dispatch: asynchronous calls and callbacks', () => {
  let tech: RunningService;
  let dispatch: RunningService;
  let receiver: Server;
  const received: { headers: IncomingMessage['headers']; body: Buffer; path: string }[] = [];
  let failNext = 1;
  const run = randomBytes(3).toString('hex');
  const put = (path: string, body: unknown) => putJson(`${dispatch.url}${path}`, body);
  const get = (path: string, headers: Record<string, string>) => getJson(`${dispatch.url}${path}`, headers);

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req
        .on('data', (c: Buffer) => chunks.push(c))
        .on('end', () => {
          received.push({ headers: req.headers, body: Buffer.concat(chunks), path: req.url ?? '' });
          res.statusCode = failNext-- > 0 ? 500 : 204;
          res.end();
        });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    tech = await startService(inOwnSchema(techCapabilitiesService), integrationEnv());
    dispatch = await startService(
      inOwnSchema(serviceDispatchService),
      integrationEnv({ DISPATCH_CALLBACK_BACKOFF_MS: '200', PROXY_ALLOW_PRIVATE: 'true' }),
    );
  }, 120_000);

  afterAll(async () => {
    await dispatch?.close();
    await tech?.close();
    await new Promise((r) => receiver?.close(r));
  });

  it('accepts with 202, runs the call, keeps the answer for the app, and delivers it signed to the callback — retrying until the app takes it', async () => {
    const { appKey, auth } = await registerGrantedApp(dispatch.url, `e2e-async-${run}`, 'e-licence.query-by-holder');
    const port = (receiver.address() as { port: number }).port;
    const cb = await put(`/internal/v1/apps/${appKey}/callback`, { url: `http://127.0.0.1:${port}/hooks/dispatch?tenant=e2e` });
    expect(cb.status).toBe(200);

    const accepted = await post(
      `${dispatch.url}/v1/capabilities/e-licence.query-by-holder/invoke-async`,
      { holderType: 'person', holderId: DEMO_PERSON.idNumber },
      { ...auth, 'x-legal-basis': TEST_LEGAL_BASIS, 'x-purpose': 'async-e2e' },
    );
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ status: 'accepted', resultUrl: `/v1/calls/${accepted.body.callId}` });
    const done = await eventually(async () => {
      const v = await get(accepted.body.resultUrl, auth);
      return v.body.status === 'succeeded' && v.body.callback.status === 'delivered' ? v.body : null;
    }, 20_000);
    expect(done.result.licences).toHaveLength(3);
    expect(done.callback.attempts).toBe(2); // the first delivery got a 500
    // The callback carried the same answer, signed with the app's callback secret.
    const last = received[received.length - 1]!;
    expect(JSON.parse(last.body.toString())).toMatchObject({
      callId: accepted.body.callId,
      status: 'succeeded',
      result: { licences: expect.any(Array) },
    });
    const check = GMP_HMAC_SM3.verify(
      { method: 'POST', path: '/hooks/dispatch', query: 'tenant=e2e', headers: last.headers, body: last.body },
      Buffer.from(cb.body.callbackSecret),
      Date.now(),
    );
    expect(check.ok).toBe(true);
    expect(last.headers['x-gmp-call-id']).toBe(accepted.body.callId);
    // The request and the answer are kept encrypted: no ID number in the table.
    const rows = await dispatch.app
      .get(DataSource)
      .query(`SELECT request_enc::text || result_enc::text AS stored FROM "${dispatch.definition.schema}".async_call WHERE id = $1`, [
        accepted.body.callId,
      ]);
    expect(rows[0].stored).not.toContain(Buffer.from(DEMO_PERSON.idNumber).toString('hex'));
    // Audited twice: the acceptance (202) and the run.
    const audit = await get(`/internal/v1/audit/calls?app=${appKey}&limit=10`, { 'x-internal-token': TEST_INTERNAL_API_TOKEN });
    expect(audit.body.calls.map((c: { operation: string; status: number }) => `${c.operation}:${c.status}`)).toEqual(
      expect.arrayContaining(['invoke-async:202', 'async-run:200']),
    );
    // Another app cannot see it.
    expect(
      (await get(accepted.body.resultUrl, { authorization: `Basic ${Buffer.from('demo-portal:demo-portal-secret').toString('base64')}` }))
        .status,
    ).toBe(404);
  });

  it('keeps a refusal by the provider as the answer; refuses bad input before accepting anything', async () => {
    const demo = { authorization: `Basic ${Buffer.from('demo-portal:demo-portal-secret').toString('base64')}` };
    const accepted = await post(
      `${dispatch.url}/v1/capabilities/e-licence.query-by-holder/invoke-async`,
      { holderType: 'person', holderId: DEMO_PERSON.idNumber },
      { 'x-legal-basis': '' },
    );
    expect(accepted.status).toBe(202);
    const done = await eventually(async () => {
      const v = await get(`/v1/calls/${accepted.body.callId}`, demo);
      return v.body.status === 'failed' ? v.body : null;
    }, 20_000);
    expect(done.problem).toMatchObject({ status: 403, code: 'LICENCE_USE_NOT_AUTHORISED' });
    expect(done.callback.status).toBe('none'); // the demo app has no callback URL
    // The typed client: submit, then read the call.
    const client = new DispatchClient({ baseUrl: dispatch.url, credentials: { appKey: 'demo-portal', secret: 'demo-portal-secret' } });
    const submitted = await client.invokeAsync(
      'e-licence.query-by-holder',
      { holderType: 'person', holderId: DEMO_PERSON.idNumber },
      { legalBasis: TEST_LEGAL_BASIS },
    );
    const view = await eventually(async () => {
      const v = await client.call<{ licences: unknown[] }>(submitted.callId);
      return v.status === 'succeeded' ? v : null;
    }, 20_000);
    expect(view.result!.licences).toHaveLength(3);
    expect((await post(`${dispatch.url}/v1/capabilities/e-licence.query-by-holder/invoke-async`, { holderType: 'alien' }, {})).status).toBe(
      400,
    );
    expect((await post(`${dispatch.url}/v1/capabilities/nope.nothing/invoke-async`, {}, {})).status).toBe(404);
    expect((await get('/v1/calls/not-a-uuid', demo)).status).toBe(400);
    expect((await get('/v1/calls/00000000-0000-4000-8000-000000000000', demo)).status).toBe(404);
    expect((await put(`/internal/v1/apps/demo-portal/callback`, { url: 'ftp://example.com/x' })).status).toBe(400);
    expect((await put(`/internal/v1/apps/demo-portal/callback`, { url: 'http://user:pw@example.com/x' })).status).toBe(400);
    expect((await put(`/internal/v1/apps/nobody-${run}/callback`, { url: 'https://example.gov.cn/cb' })).status).toBe(404);
  });
});
