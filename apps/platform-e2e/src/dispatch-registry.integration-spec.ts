import { serviceDispatchService } from '@gmp/feature-dispatch';
import { techCapabilitiesService } from '@gmp/feature-tech';
import { type RunningService, startService } from '@gmp/service-kit';
import { eventually, inOwnSchema, integrationEnv } from '@gmp/testing';
import { DEMO_AUTH, getJson, post, putJson } from './dispatch-client.js';

const LICENCE = '1.2.156.3005.2.11100000000013338W041.91320100MA1XK2Q84P.1.001.0';

/** The capability registry: providers announce at start-up over Kafka; discovery with JSON Schemas; operators deprecate, retire, restrict. */
describe('dispatch: capability registry and discovery', () => {
  let tech: RunningService;
  let dispatch: RunningService;
  const get = (path: string, headers: Record<string, string> = {}) => getJson(`${dispatch.url}${path}`, headers);
  const put = (path: string, body: unknown, headers: Record<string, string> = { 'x-caller': 'ops-wang' }) =>
    putJson(`${dispatch.url}${path}`, body, headers);

  beforeAll(async () => {
    dispatch = await startService(inOwnSchema(serviceDispatchService), integrationEnv());
    tech = await startService(inOwnSchema(techCapabilitiesService), integrationEnv());
  }, 120_000);

  afterAll(async () => {
    await tech?.close();
    await dispatch?.close();
  });

  it('learns the provider’s capabilities from its announcement, with JSON Schemas and examples', async () => {
    const listed = await eventually(async () => {
      const r = await get('/v1/capabilities');
      return r.body.capabilities.length >= 18 ? r.body.capabilities : null;
    }, 30_000);
    expect(listed.map((c: { code: string }) => c.code)).toEqual(
      expect.arrayContaining(['e-licence.query-by-holder', 'e-licence.get-pdf', 'e-seal.seal-pdf', 'archive.verify']),
    );
    const one = await get('/v1/capabilities/e-licence.get');
    expect(one.status).toBe(200);
    const [v1] = one.body.versions;
    expect(v1).toMatchObject({
      code: 'e-licence.get',
      version: '1',
      status: 'active',
      visibility: 'public',
      provider: 'tech-capabilities',
      timeoutMs: 3000,
      idempotent: true,
    });
    expect(v1.inputSchema).toMatchObject({
      type: 'object',
      required: ['licenceId'],
      additionalProperties: false,
      properties: { licenceId: { type: 'string', pattern: expect.stringContaining('3005') } },
    });
    expect(v1.outputSchema.properties).toHaveProperty('annotations');
    expect(v1.outputSchema.definitions).toHaveProperty('LicenceAnnotation');
    expect(v1.example).toEqual({ licenceId: expect.any(String) });
    const search = await get('/v1/capabilities?q=seal');
    expect(
      search.body.capabilities.every((c: { code: string; name: string; description: string }) =>
        /seal/i.test(c.code + c.name + c.description),
      ),
    ).toBe(true);
    expect(search.body.capabilities.length).toBeGreaterThanOrEqual(3);
  });

  it('deprecated versions answer with Deprecation: true, retired ones 410; restricted ones are listed only for subscribed apps', async () => {
    const call = async () => {
      const res = await fetch(`${dispatch.url}/v1/capabilities/e-licence.verify/invoke`, {
        method: 'POST',
        headers: { authorization: DEMO_AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ licenceId: LICENCE }),
      });
      return { status: res.status, deprecation: res.headers.get('deprecation'), body: (await res.json()) as any };
    };
    expect(
      (await put('/internal/v1/capabilities/e-licence.verify/versions/1', { status: 'deprecated', reason: '请改用第 2 版' })).body,
    ).toMatchObject({ status: 'deprecated', statusReason: '请改用第 2 版' });
    expect(await call()).toMatchObject({ status: 404, deprecation: 'true' });
    await put('/internal/v1/capabilities/e-licence.verify/versions/1', { status: 'retired', reason: '已下线' });
    expect((await call()).body.code).toBe('CAPABILITY_RETIRED');
    await put('/internal/v1/capabilities/e-licence.verify/versions/1', { status: 'active', reason: '恢复' });
    expect(await call()).toMatchObject({ status: 404, deprecation: null });

    await put('/internal/v1/capabilities/e-licence.verify/versions/1', { visibility: 'restricted', reason: '仅限已订阅应用' });
    const anonymous = await get('/v1/capabilities');
    expect(anonymous.body.capabilities.map((c: { code: string }) => c.code)).not.toContain('e-licence.verify');
    expect((await get('/v1/capabilities/e-licence.verify')).status).toBe(404);
    const asDemo = await get('/v1/capabilities', { authorization: DEMO_AUTH });
    expect(asDemo.body.capabilities.map((c: { code: string }) => c.code)).toContain('e-licence.verify'); // demo-portal holds a grant
  });

  it('answers bad requests with clear problems', async () => {
    expect(
      (await post(`${dispatch.url}/v1/capabilities/e-licence.get/invoke`, { licenceId: LICENCE }, { 'x-capability-version': '9' })).body
        .code,
    ).toBe('CAPABILITY_VERSION_NOT_FOUND');
    expect((await get('/v1/capabilities?status=gone')).status).toBe(400);
    expect((await get(`/v1/capabilities?q=${'x'.repeat(65)}`)).status).toBe(400);
    expect((await get('/v1/capabilities/no.such-capability')).status).toBe(404);
    expect((await get('/v1/capabilities', { authorization: 'Basic bm9ib2R5Om5vdGhpbmc=' })).status).toBe(401);
    expect((await put('/internal/v1/capabilities/e-licence.get/versions/1', { status: 'paused', reason: 'x' })).status).toBe(400);
    expect((await put('/internal/v1/capabilities/e-licence.get/versions/1', { reason: 'nothing to change' })).status).toBe(400);
    expect((await put('/internal/v1/capabilities/e-licence.get/versions/1', { status: 'active', reason: 'x' }, {})).body.code).toBe(
      'CALLER_REQUIRED',
    );
    expect((await put('/internal/v1/capabilities/e-licence.get/versions/7', { status: 'active', reason: 'x' })).status).toBe(404);
  });
});
