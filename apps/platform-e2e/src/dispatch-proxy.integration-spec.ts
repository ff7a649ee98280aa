import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { type RunningService, startService } from '@gmp/service-kit';
import { inOwnSchema, integrationEnv } from '@gmp/testing';
import { DEMO_AUTH, getJson, INTERNAL, post, registerGrantedApp } from './dispatch-client.js';

/** The interface proxy: a registered upstream HTTP API called as a capability — auth injected, mapped, cached, timed out, SSRF-guarded. */
describe('dispatch: interface proxy', () => {
  let dispatch: RunningService;
  let upstream: Server;
  let base: string;
  let calls = 0;
  /** The ministry's OAuth server: tokens issued, and which are still honoured. */
  let tokenRequests = 0;
  const live = new Set<string>();
  const run = randomBytes(3).toString('hex');
  const code = `proxy.e2e-${run}.id-check`;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req
        .on('data', (c: Buffer) => chunks.push(c))
        .on('end', () => {
          const send = (status: number, body: string, type = 'application/json') => {
            res.writeHead(status, { 'content-type': type });
            res.end(body);
          };
          if (req.url === '/v2/id/check') {
            calls++;
            if (req.headers['x-api-key'] !== 'k-123') return send(401, '{"error":"key"}');
            const b = JSON.parse(Buffer.concat(chunks).toString()) as { sfzh: string; xm: string };
            return send(200, JSON.stringify({ result: b.sfzh.endsWith('X') && b.xm === '张三' ? '一致' : '不一致', serial: calls }));
          }
          if (req.url === '/oauth/token' && req.method === 'POST') {
            const form = new URLSearchParams(Buffer.concat(chunks).toString());
            // RFC 6749 §2.3.1: client id and secret form-encoded, then Basic.
            const [id, secret] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
              .toString()
              .split(':')
              .map((p) => decodeURIComponent(p.replace(/\+/g, ' ')));
            if (id !== 'jiangsu-gmp' || secret !== 'cs-456') return send(401, '{"error":"invalid_client"}');
            if (form.get('grant_type') !== 'client_credentials' || form.get('scope') !== 'id.check')
              return send(400, '{"error":"invalid_request"}');
            const token = `tok-${++tokenRequests}`;
            live.add(token);
            return send(200, JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600 }));
          }
          if (req.url?.startsWith('/oauth-api')) {
            const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
            if (!live.has(token)) return send(401, '{"error":"invalid_token"}');
            return send(200, JSON.stringify({ ok: true, token }));
          }
          if (req.url === '/slow') return void setTimeout(() => send(200, '{}'), 1500);
          if (req.url === '/redirect') {
            res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
            return void res.end();
          }
          if (req.url === '/text') return send(200, 'not json', 'text/plain');
          return send(404, '{"error":"none"}');
        });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`;
    dispatch = await startService(inOwnSchema(serviceDispatchService), integrationEnv({ PROXY_ALLOW_PRIVATE: 'true' }));
  }, 120_000);

  afterAll(async () => {
    await dispatch?.close();
    await new Promise((r) => upstream?.close(r));
  });

  const register = (over: Record<string, unknown> = {}) =>
    post(
      `${dispatch.url}/internal/v1/upstreams`,
      {
        code,
        name: '身份核验（部级接口，测试）',
        ownerDepartment: '省公安厅',
        baseUrl: base,
        path: '/v2/id/check',
        method: 'POST',
        auth: { kind: 'static-key', header: 'X-Api-Key', value: 'k-123' },
        timeoutMs: 1000,
        cacheTtlSeconds: 60,
        requestMapping: '{ "sfzh": idNumber, "xm": name }',
        responseMapping: '{ "match": result = "一致", "serial": serial }',
        inputSchema: {
          type: 'object',
          required: ['idNumber', 'name'],
          properties: { idNumber: { type: 'string', maxLength: 18 }, name: { type: 'string' } },
          additionalProperties: false,
        },
        ...over,
      },
      { ...INTERNAL, 'x-caller': 'ops-li' },
    );

  it('calls a registered upstream like any capability: grant, injected key, mapped request and answer, cached answers', async () => {
    expect((await register()).status).toBe(201);
    expect((await getJson(`${dispatch.url}/v1/capabilities/${code}`)).body.versions[0]).toMatchObject({
      code,
      provider: 'proxy:ops-li',
      inputSchema: { required: ['idNumber', 'name'] },
    });
    const { auth } = await registerGrantedApp(dispatch.url, `e2e-proxy-${run}`, code);
    const call = (input: unknown) => post(`${dispatch.url}/v1/capabilities/${code}/invoke`, input, auth);
    const first = await call({ idNumber: '11010519491231002X', name: '张三' });
    expect(first).toMatchObject({ status: 200, body: { match: true, serial: 1 } });
    expect((await call({ idNumber: '11010519491231002X', name: '张三' })).body).toEqual({ match: true, serial: 1 }); // cached: the upstream was not asked again
    expect(calls).toBe(1);
    expect((await call({ idNumber: '110105194912310021', name: '张三' })).body).toEqual({ match: false, serial: 2 });
    // Input checked against the schema before anything is sent.
    const bad = await call({ idNumber: '11010519491231002X' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.errors)).toContain('name');
    expect((await call({ idNumber: 'x', name: 'y', url: 'http://evil' })).status).toBe(400);
    expect(calls).toBe(2);
    // Another app without a grant.
    expect(
      (await post(`${dispatch.url}/v1/capabilities/${code}/invoke`, { idNumber: '1', name: '2' }, { authorization: DEMO_AUTH })).body.code,
    ).toBe('GRANT_REQUIRED');
  });

  it('answers an upstream’s timeout, redirect, non-JSON and refusal of our key with clear 5xx problems', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ path: '/slow', requestMapping: undefined, responseMapping: undefined, cacheTtlSeconds: 0 }, 504, 'UPSTREAM_TIMEOUT'],
      [{ path: '/redirect', cacheTtlSeconds: 0 }, 502, 'UPSTREAM_ERROR'],
      [{ path: '/text', cacheTtlSeconds: 0 }, 502, 'UPSTREAM_BAD_ANSWER'],
      [{ auth: { kind: 'static-key', header: 'X-Api-Key', value: 'wrong' }, cacheTtlSeconds: 0 }, 502, 'UPSTREAM_REFUSED'],
    ];
    const { auth } = await registerGrantedApp(dispatch.url, `e2e-proxy-bad-${run}`, code);
    for (const [over, status, problem] of cases) {
      expect((await register(over)).status).toBe(201);
      const r = await post(`${dispatch.url}/v1/capabilities/${code}/invoke`, { idNumber: '11010519491231002X', name: '张三' }, auth);
      expect({ over, status: r.status, code: r.body.code }).toEqual({ over, status, code: problem });
    }
  });

  it('injects an OAuth 2.0 client-credentials token: fetched once, reused, renewed when the upstream refuses it', async () => {
    const oauthCode = `proxy.e2e-${run}.oauth`;
    const oauth = (over: Record<string, unknown> = {}) => ({
      kind: 'oauth-client-credentials',
      tokenUrl: `${base}/oauth/token`,
      clientId: 'jiangsu-gmp',
      clientSecret: 'cs-456',
      scope: 'id.check',
      ...over,
    });
    const registered = await register({
      code: oauthCode,
      path: '/oauth-api',
      method: 'GET',
      auth: oauth(),
      requestMapping: undefined,
      responseMapping: undefined,
      cacheTtlSeconds: 0,
      inputSchema: { type: 'object' },
    });
    expect(registered).toMatchObject({
      status: 201,
      body: { auth: 'oauth-client-credentials', tokenUrl: `${base}/oauth/token`, clientId: 'jiangsu-gmp' },
    });
    expect(JSON.stringify(registered.body)).not.toContain('cs-456');
    const { auth } = await registerGrantedApp(dispatch.url, `e2e-proxy-oauth-${run}`, oauthCode);
    const call = () => post(`${dispatch.url}/v1/capabilities/${oauthCode}/invoke`, {}, auth);
    const first = await Promise.all([call(), call(), call()]);
    expect(first.map((r) => r.body)).toEqual([
      { ok: true, token: 'tok-1' },
      { ok: true, token: 'tok-1' },
      { ok: true, token: 'tok-1' },
    ]);
    expect(tokenRequests).toBe(1); // concurrent calls shared one token request
    // The authorisation server revokes the token: the next call gets a new one and still succeeds.
    live.clear();
    expect((await call()).body).toEqual({ ok: true, token: 'tok-2' });
    expect(tokenRequests).toBe(2);
    // A wrong client secret (now on a POST, not idempotent): the token endpoint refuses, the caller gets a clear 502 —
    // and as the upstream was never called, the Idempotency-Key stays free for the retry.
    expect(
      (
        await register({
          code: oauthCode,
          path: '/oauth-api',
          method: 'POST',
          auth: oauth({ clientSecret: 'wrong' }),
          requestMapping: undefined,
          responseMapping: undefined,
          cacheTtlSeconds: 0,
          inputSchema: { type: 'object' },
        })
      ).status,
    ).toBe(201);
    live.clear();
    await new Promise((r) => setTimeout(r, 2_100)); // the registration is remembered 2 s per instance
    const keyed = { ...auth, 'idempotency-key': `oauth-${run}-0001` };
    expect(await post(`${dispatch.url}/v1/capabilities/${oauthCode}/invoke`, {}, keyed)).toMatchObject({
      status: 502,
      body: { code: 'UPSTREAM_AUTH_FAILED' },
    });
    expect(
      (
        await register({
          code: oauthCode,
          path: '/oauth-api',
          method: 'POST',
          auth: oauth(),
          requestMapping: undefined,
          responseMapping: undefined,
          cacheTtlSeconds: 0,
          inputSchema: { type: 'object' },
        })
      ).status,
    ).toBe(201);
    await new Promise((r) => setTimeout(r, 2_100));
    const retried = await post(`${dispatch.url}/v1/capabilities/${oauthCode}/invoke`, {}, keyed);
    expect(retried).toMatchObject({ status: 200, body: { ok: true, token: 'tok-3' } });
    // The token endpoint is held to the same address rules as the upstream; each kind takes exactly its fields.
    expect((await register({ code: oauthCode, auth: oauth({ tokenUrl: 'http://169.254.169.254/token' }) })).body.code).toBe(
      'UPSTREAM_FORBIDDEN',
    );
    expect((await register({ code: oauthCode, auth: oauth({ clientSecret: undefined }) })).body.code).toBe('INVALID_INPUT');
    expect((await register({ code: oauthCode, auth: { kind: 'none', header: 'X-Key' } })).body.code).toBe('INVALID_INPUT');
  });

  it('refuses upstreams outside what may be called (SSRF), bad mappings and malformed registrations', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ baseUrl: 'http://169.254.169.254' }, 422, 'UPSTREAM_FORBIDDEN'],
      [{ baseUrl: 'http://[fe80::1]:8080' }, 422, 'UPSTREAM_FORBIDDEN'],
      [{ baseUrl: `http://user:pw@127.0.0.1:1` }, 422, 'UPSTREAM_FORBIDDEN'],
      [{ baseUrl: 'file:///etc/passwd' }, 422, 'UPSTREAM_FORBIDDEN'],
      [{ baseUrl: `${base}?x=1` }, 422, 'UPSTREAM_FORBIDDEN'],
      [{ requestMapping: '{ "a": ' }, 422, 'INVALID_MAPPING'],
      [{ inputSchema: { type: 'nonsense' } }, 422, 'INVALID_SCHEMA'],
      [{ method: 'DELETE' }, 400, 'INVALID_INPUT'],
      [{ path: 'no-slash' }, 400, 'INVALID_INPUT'],
      [{ auth: { kind: 'static-key' } }, 400, 'INVALID_INPUT'],
      [{ timeoutMs: 10 }, 400, 'INVALID_INPUT'],
    ];
    for (const [over, status, problem] of cases) {
      const r = await register(over);
      expect({ over, status: r.status, code: r.body.code }).toEqual({ over, status, code: problem });
    }
    expect((await post(`${dispatch.url}/internal/v1/upstreams`, {}, INTERNAL)).body.code).toBe('CALLER_REQUIRED');
  });
});
