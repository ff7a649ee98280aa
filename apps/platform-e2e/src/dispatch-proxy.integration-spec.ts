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
  const run = randomBytes(3).toString('hex');
  const code = `proxy.e2e-${run}.id-check`;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
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
    post(`${dispatch.url}/internal/v1/upstreams`, {
      code, name: '身份核验（部级接口，测试）', ownerDepartment: '省公安厅', baseUrl: base, path: '/v2/id/check', method: 'POST',
      auth: { kind: 'static-key', header: 'X-Api-Key', value: 'k-123' }, timeoutMs: 1000, cacheTtlSeconds: 60,
      requestMapping: '{ "sfzh": idNumber, "xm": name }', responseMapping: '{ "match": result = "一致", "serial": serial }',
      inputSchema: { type: 'object', required: ['idNumber', 'name'], properties: { idNumber: { type: 'string', maxLength: 18 }, name: { type: 'string' } }, additionalProperties: false },
      ...over,
    }, { ...INTERNAL, 'x-caller': 'ops-li' });

  it('calls a registered upstream like any capability: grant, injected key, mapped request and answer, cached answers', async () => {
    expect((await register()).status).toBe(201);
    expect((await getJson(`${dispatch.url}/v1/capabilities/${code}`)).body.versions[0]).toMatchObject({ code, provider: 'proxy:ops-li', inputSchema: { required: ['idNumber', 'name'] } });
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
    expect((await post(`${dispatch.url}/v1/capabilities/${code}/invoke`, { idNumber: '1', name: '2' }, { authorization: DEMO_AUTH })).body.code).toBe('GRANT_REQUIRED');
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
