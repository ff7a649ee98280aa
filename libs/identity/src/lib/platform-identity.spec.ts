import { allowedClientScopes, KNOWN_CLIENT_SCOPES, PlatformScope } from './platform-identity.js';

describe('allowedClientScopes: what a client may hold', () => {
  it('reads the space-separated list stored with the client', () => {
    expect(allowedClientScopes('capabilities:invoke')).toEqual({ scopes: [PlatformScope.InvokeCapabilities] });
    expect(allowedClientScopes('openid  profile licence:read openid')).toEqual({ scopes: ['openid', 'profile', 'licence:read'] });
  });

  it('allows nothing to a client without a list (fail closed)', () => {
    for (const missing of [undefined, null, '', ' ', 42, ['capabilities:invoke']])
      expect(allowedClientScopes(missing)).toEqual({ problem: 'MISSING' });
  });

  it('allows nothing to a client whose list names a scope the platform does not know', () => {
    expect(allowedClientScopes('capabilities:invoke admin:everything')).toEqual({
      problem: 'UNKNOWN_SCOPE',
      unknown: ['admin:everything'],
    });
    expect(allowedClientScopes('capabilities:invoke\tfiles:write')).toEqual({
      problem: 'UNKNOWN_SCOPE',
      unknown: ['capabilities:invoke\tfiles:write'],
    });
  });

  it('knows every platform scope and the OpenID ones', () => {
    expect([...KNOWN_CLIENT_SCOPES].sort()).toEqual([
      'capabilities:invoke',
      'files:write',
      'licence:read',
      'offline_access',
      'openid',
      'profile',
    ]);
  });
});
