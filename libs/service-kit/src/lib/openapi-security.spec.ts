import type { OpenAPIObject } from '@nestjs/swagger';
import { InternalApiGuard } from './internal-api.guard.js';
import { requirementsOfGuard, withSecurity } from './openapi-security.js';

// Stand-ins for the guards of feature libraries, which the kit knows by name only.
class AppCredentialsGuard {}
class OptionalAppCredentialsGuard extends AppCredentialsGuard {}
class AccessTokenGuard {}
class LiveGrantGuard {}

const op = (operationId: string, extra: Record<string, unknown> = {}) => ({ operationId, responses: {}, ...extra });

function document(): OpenAPIObject {
  return {
    openapi: '3.0.0',
    info: { title: 't', version: '0.1.0' },
    paths: {
      '/v1/capabilities/{code}/invoke': { post: op('InvokeController_invoke', { security: [{ app: [] }] }) },
      '/v1/capabilities': { get: op('CapabilityDiscoveryController_list') },
      '/internal/v1/apps': {
        post: op('AppsAdminController_register', {
          parameters: [
            { name: 'X-Internal-Token', in: 'header', required: true },
            { name: 'X-Caller', in: 'header', required: true },
          ],
        }),
      },
      '/internal/v1/unguarded': { get: op('Unguarded_get') },
      '/metrics': { get: op('MetricsController_metrics') },
      '/v1/identity/admin/staff': { get: op('IdentityAdminController_list', { security: [{ bearer: [] }] }) },
      '/health/live': { get: op('HealthController_live') },
    },
    components: {
      securitySchemes: {
        app: { type: 'http', scheme: 'basic' },
        internalToken: { type: 'apiKey', in: 'header', name: 'X-Internal-Token' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
    },
  } as OpenAPIObject;
}

const guards = new Map<string, object[]>([
  ['InvokeController_invoke', [AppCredentialsGuard]],
  ['CapabilityDiscoveryController_list', [OptionalAppCredentialsGuard]],
  ['AppsAdminController_register', [InternalApiGuard]],
  ['MetricsController_metrics', [InternalApiGuard]],
  ['IdentityAdminController_list', [AccessTokenGuard, LiveGrantGuard]],
  ['HealthController_live', []],
]);

describe('OpenAPI security from guards and paths', () => {
  it('knows the guards by class (internal API) or by name (feature guards, subclasses too)', () => {
    expect(requirementsOfGuard(InternalApiGuard)).toEqual([{ internalToken: [] }]);
    expect(requirementsOfGuard(AppCredentialsGuard)).toEqual([{ app: [] }, { bearer: [] }]);
    expect(requirementsOfGuard(OptionalAppCredentialsGuard)).toEqual([{ app: [] }, { bearer: [] }, {}]);
    expect(requirementsOfGuard(new AccessTokenGuard())).toEqual([{ bearer: [] }]);
    expect(requirementsOfGuard(LiveGrantGuard)).toBeNull();
  });

  it('gives every operation the requirements of its guards and every /internal operation the internal token', () => {
    const { paths } = withSecurity(document(), guards);
    expect(paths['/v1/capabilities/{code}/invoke']!.post!.security).toEqual([{ app: [] }, { bearer: [] }]);
    expect(paths['/v1/capabilities']!.get!.security).toEqual([{ app: [] }, { bearer: [] }, {}]);
    expect(paths['/internal/v1/apps']!.post!.security).toEqual([{ internalToken: [] }]);
    expect(paths['/internal/v1/unguarded']!.get!.security).toEqual([{ internalToken: [] }]);
    expect(paths['/metrics']!.get!.security).toEqual([{ internalToken: [] }]);
    expect(paths['/v1/identity/admin/staff']!.get!.security).toEqual([{ bearer: [] }]);
    expect(paths['/health/live']!.get!.security).toBeUndefined();
  });

  it('drops the X-Internal-Token header parameters the scheme stands for, and keeps the others', () => {
    const { paths } = withSecurity(document(), guards);
    expect(paths['/internal/v1/apps']!.post!.parameters).toEqual([{ name: 'X-Caller', in: 'header', required: true }]);
  });

  it('keeps only the schemes some operation uses', () => {
    const internalOnly = document();
    internalOnly.paths = { '/internal/v1/records/search': { post: op('DataAccessController_search') } };
    expect(Object.keys(withSecurity(internalOnly, new Map()).components!.securitySchemes!)).toEqual(['internalToken']);
    expect(Object.keys(withSecurity(document(), guards).components!.securitySchemes!).sort()).toEqual(['app', 'bearer', 'internalToken']);
    const open = document();
    open.paths = { '/health/live': { get: op('HealthController_live') } };
    expect(withSecurity(open, new Map()).components!.securitySchemes).toEqual({});
  });

  it('requires all of several guards (e.g. the internal token and an app)', () => {
    const doc = document();
    doc.paths = { '/internal/v1/both': { post: op('Both_post') } };
    expect(withSecurity(doc, new Map([['Both_post', [AppCredentialsGuard]]])).paths['/internal/v1/both']!.post!.security).toEqual([
      { app: [], internalToken: [] },
      { bearer: [], internalToken: [] },
    ]);
  });
});
