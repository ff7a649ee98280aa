import { CAPABILITIES } from '@gmp/contracts';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { type RunningService, startService } from '@gmp/service-kit';
import { inOwnSchema, integrationEnv } from '@gmp/testing';
import { DEMO_AUTH, INTERNAL, post } from './dispatch-client.js';

const DEEP_OBJECTS = `{"holderType":"person","extra":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
const DEEP_ARRAYS = `{"capability":"e-licence.verify","purpose":${'['.repeat(5000)}${']'.repeat(5000)}}`;
const NUL_VALUE = '{"capability":"e-licence.verify","purpose":"测试\\u0000用途"}';
const LONE_SURROGATE = '{"capability":"e-licence.verify","purpose":"\\ud800"}';

/**
 * Bodies no route can handle or store, on service dispatch (the door business lines knock on):
 * every capability's invoke and invoke-async, subscriptions, the internal APIs and YAML
 * composites answer 400 problem+json — never 500 — before credentials are even looked at.
 */
describe('dispatch: request bodies too deep or with characters PostgreSQL cannot store', () => {
  let dispatch: RunningService;

  beforeAll(async () => {
    dispatch = await startService(inOwnSchema(serviceDispatchService), integrationEnv({ TRANSPORT: 'inprocess', SEED_DEMO: 'false' }));
  }, 120_000);

  afterAll(async () => {
    await dispatch?.close();
  });

  const routes = [
    ...CAPABILITIES.flatMap((c) => [`/v1/capabilities/${c.code}/invoke`, `/v1/capabilities/${c.code}/invoke-async`]),
    '/v1/capabilities/composite.citizen-licences/invoke',
    '/v1/subscriptions',
    '/internal/v1/apps',
    '/internal/v1/composites/dry-run',
  ];

  it.each([
    ['5,000 levels of {"a":', DEEP_OBJECTS, 'BODY_TOO_DEEP'],
    ['5,000 levels of [', DEEP_ARRAYS, 'BODY_TOO_DEEP'],
    ['NUL', NUL_VALUE, 'INVALID_CHARACTERS'],
    ['a lone surrogate', LONE_SURROGATE, 'INVALID_CHARACTERS'],
  ])('answers %s with 400 problem+json on every route', async (_name, body, code) => {
    for (const route of routes) {
      const headers = route.startsWith('/internal/') ? { ...INTERNAL, 'x-caller': 'tester' } : { authorization: DEMO_AUTH };
      const answer = await post(`${dispatch.url}${route}`, body, headers);
      expect({ route, status: answer.status, contentType: answer.contentType, code: answer.body?.code }).toEqual({
        route,
        status: 400,
        contentType: expect.stringContaining('application/problem+json'),
        code,
      });
    }
  });

  it('answers deep YAML composites with 400 BODY_TOO_DEEP and YAML with NUL with 400 INVALID_CHARACTERS', async () => {
    const yaml = { ...INTERNAL, 'x-caller': 'tester', 'content-type': 'application/yaml' };
    for (const deep of [
      `code: composite.deep\ninput: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
      `code: composite.deep\ninput: ${'['.repeat(65)}${']'.repeat(65)}\n`,
    ]) {
      for (const path of ['/internal/v1/composites', '/internal/v1/composites/dry-run']) {
        expect(await post(`${dispatch.url}${path}`, deep, yaml)).toMatchObject({ status: 400, body: { code: 'BODY_TOO_DEEP' } });
      }
    }
    expect(await post(`${dispatch.url}/internal/v1/composites/dry-run`, 'code: "composite.x\\0"\n', yaml)).toMatchObject({
      status: 400,
      body: { code: 'INVALID_CHARACTERS' },
    });
  });

  it('serves its index at / and documents the security of its routes', async () => {
    const index = await (await fetch(`${dispatch.url}/`)).json();
    expect(index).toMatchObject({
      service: 'service-dispatch',
      version: expect.any(String),
      links: expect.arrayContaining([expect.objectContaining({ href: '/docs/openapi.json' })]),
    });

    const document = (await (await fetch(`${dispatch.url}/docs/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(document.components.securitySchemes).toMatchObject({
      internalToken: { type: 'apiKey', in: 'header', name: 'X-Internal-Token' },
      app: { type: 'http', scheme: 'basic' },
      bearer: { type: 'http', scheme: 'bearer' },
    });
    const internal = Object.entries(document.paths).filter(([path]) => path.startsWith('/internal/'));
    expect(internal.length).toBeGreaterThan(5);
    for (const [path, item] of internal) {
      for (const [method, operation] of Object.entries(item)) {
        expect({ path, method, internalToken: operation.security?.every((r) => 'internalToken' in r) }).toEqual({
          path,
          method,
          internalToken: true,
        });
      }
    }
    expect(document.paths['/metrics']!['get']!.security).toEqual([{ internalToken: [] }]);
    expect(document.paths['/v1/capabilities/{code}/invoke']!['post']!.security).toEqual([{ app: [] }, { bearer: [] }]);
    expect(document.paths['/v1/capabilities']!['get']!.security).toEqual([{ app: [] }, { bearer: [] }, {}]);
  });
});
