import { DEMO_BUSINESS_CLIENT, techCapabilitiesService } from '@gmp/feature-tech';
import { AccessTokenVerifier, PLATFORM_API_AUDIENCE, PlatformScope } from '@gmp/identity';
import { type RunningService, startService } from '@gmp/service-kit';
import { inOwnSchema, integrationEnv, TEST_INTERNAL_API_TOKEN } from '@gmp/testing';
import { freePort } from './service-process.js';

/**
 * Rotating the OpenID provider's signing key (docs/operations.md, "Keys and their rotation"): the
 * operator asks for a new key, the instances restart, the new key signs, and tokens the old key
 * signed still verify while they live (it stays in the JWKS for a day).
 */
describe('identity: signing key rotation by the operator', () => {
  const def = inOwnSchema(techCapabilitiesService);
  let tech: RunningService;
  let port: number;
  const issuer = () => `http://127.0.0.1:${port}/oidc`;
  const internal = (path: string, init: RequestInit = {}, token: string | null = TEST_INTERNAL_API_TOKEN) =>
    fetch(`${tech.url}/internal/v1/identity/signing-keys${path}`, { ...init, headers: token ? { 'x-internal-token': token } : {} });
  const accessToken = async () => {
    const res = await fetch(`${issuer()}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${DEMO_BUSINESS_CLIENT.id}:${DEMO_BUSINESS_CLIENT.secret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: PlatformScope.InvokeCapabilities }).toString(),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const kidOf = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
  const jwksKids = async () => ((await (await fetch(`${issuer()}/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);

  beforeAll(async () => {
    port = await freePort();
    tech = await startService(def, integrationEnv({ PORT: String(port) }));
  }, 120_000);

  afterAll(async () => {
    await tech?.close();
  });

  it('a new key signs after the restart; a token the old key signed still verifies; only the operator may rotate', async () => {
    const before = await accessToken();
    const oldKid = kidOf(before);
    expect(await jwksKids()).toEqual([oldKid]);
    expect(((await (await internal('')).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid)).toEqual([oldKid]);

    // Without the internal token, or with a wrong one: refused, nothing rotated.
    for (const token of [null, 'not-the-token'])
      expect((await internal('/rotate', { method: 'POST' }, token)).status).toBeGreaterThanOrEqual(401);
    expect(((await (await internal('')).json()) as { keys: unknown[] }).keys).toHaveLength(1);

    const rotated = await internal('/rotate', { method: 'POST' });
    expect(rotated.status).toBe(200);
    const { activeKid } = (await rotated.json()) as { activeKid: string };
    expect(activeKid).not.toBe(oldKid);

    // The rolling restart.
    await tech.close();
    tech = await startService(def, integrationEnv({ PORT: String(port) }));

    expect(await jwksKids()).toEqual([activeKid, oldKid]);
    const after = await accessToken();
    expect(kidOf(after)).toBe(activeKid);
    const verifier = new AccessTokenVerifier({ issuer: issuer(), audience: PLATFORM_API_AUDIENCE });
    for (const token of [before, after]) expect(await verifier.verify(token)).toMatchObject({ clientId: DEMO_BUSINESS_CLIENT.id });
  }, 180_000);
});
