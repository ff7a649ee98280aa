import { DataSource } from 'typeorm';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { DEMO_BUSINESS_CLIENT, DEMO_CITIZENS, techCapabilitiesService } from '@gmp/feature-tech';
import { AccessTokenVerifier, PLATFORM_API_AUDIENCE, PlatformScope } from '@gmp/identity';
import { type RunningService, startService } from '@gmp/service-kit';
import { inOwnSchema, integrationEnv } from '@gmp/testing';
import { LOOKUP, post } from './dispatch-client.js';
import { freePort } from './service-process.js';

/** The OpenID provider (统一身份认证) on tech-capabilities: client credentials for business-line apps. */
describe('identity: OpenID provider, client credentials', () => {
  let tech: RunningService;
  let issuer: string;

  beforeAll(async () => {
    const port = await freePort();
    tech = await startService(inOwnSchema(techCapabilitiesService), integrationEnv({ PORT: String(port) }));
    issuer = `http://127.0.0.1:${port}/oidc`;
  }, 120_000);

  afterAll(async () => {
    await tech?.close();
  });

  const token = (clientId: string, secret: string, body: Record<string, string> = {}) =>
    fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: PlatformScope.InvokeCapabilities, ...body }).toString(),
    });

  it('publishes discovery and a JWKS with the signing key', async () => {
    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as any;
    expect(discovery.issuer).toBe(issuer);
    expect(discovery.grant_types_supported).toEqual(expect.arrayContaining(['client_credentials', 'authorization_code', 'refresh_token']));
    expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
    expect(discovery.jwks_uri).toBe(`${issuer}/jwks`);
    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as any;
    if (!jwks.keys) throw new Error(JSON.stringify(jwks));
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig' })]);
    expect(JSON.stringify(jwks)).not.toMatch(/"d":/); // no private parts
  });

  it('issues a client-credentials access token that the shared verifier accepts', async () => {
    const res = await token(DEMO_BUSINESS_CLIENT.id, DEMO_BUSINESS_CLIENT.secret);
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.token_type).toBe('Bearer');
    const principal = await new AccessTokenVerifier({ issuer, audience: PLATFORM_API_AUDIENCE }).verify(body.access_token);
    expect(principal).toMatchObject({ clientId: DEMO_BUSINESS_CLIENT.id, scopes: [PlatformScope.InvokeCapabilities], assurance: null });
  });

  it('refuses a wrong client secret, an unknown client and a scope the client does not have', async () => {
    const wrong = await token(DEMO_BUSINESS_CLIENT.id, 'not-the-secret');
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as any).error).toBe('invalid_client');
    expect((await token('no-such-client', 'x')).status).toBe(401);
    const scope = await token(DEMO_BUSINESS_CLIENT.id, DEMO_BUSINESS_CLIENT.secret, { scope: 'openid admin:everything' });
    expect(scope.status).toBe(400);
    expect(((await scope.json()) as any).error).toBe('invalid_scope');
  });

  it('lets a business-line app call a capability through dispatch with its token', async () => {
    const dispatch = await startService(inOwnSchema(serviceDispatchService), integrationEnv({ OIDC_ISSUER: issuer }));
    try {
      const { access_token } = (await (await token(DEMO_BUSINESS_CLIENT.id, DEMO_BUSINESS_CLIENT.secret)).json()) as any;
      const ok = await post(`${dispatch.url}${LOOKUP}`, { holderType: 'person', holderId: DEMO_CITIZENS[0]!.id }, { authorization: `Bearer ${access_token}` });
      expect(ok.status).toBe(200);
      expect(ok.body.licences).toHaveLength(3);
      const forged = await post(`${dispatch.url}${LOOKUP}`, { holderType: 'person', holderId: DEMO_CITIZENS[0]!.id }, { authorization: `Bearer ${access_token.slice(0, -4)}AAAA` });
      expect(forged.status).toBe(401);
      expect(forged.body.detail).toContain('签名');
      const { access_token: narrow } = (await (await token(DEMO_BUSINESS_CLIENT.id, DEMO_BUSINESS_CLIENT.secret, { scope: PlatformScope.ReadLicences })).json()) as any;
      const noScope = await post(`${dispatch.url}${LOOKUP}`, { holderType: 'person', holderId: DEMO_CITIZENS[0]!.id }, { authorization: `Bearer ${narrow}` });
      expect(noScope.status).toBe(403);
      expect(noScope.body.code).toBe('INSUFFICIENT_SCOPE');
    } finally {
      await dispatch.close();
    }
  }, 60_000);

  it('keeps its signing key across a restart (tokens stay valid)', async () => {
    const before = (await (await fetch(`${issuer}/jwks`)).json()) as any;
    const def = tech.definition;
    const port = new URL(issuer).port;
    await tech.close();
    tech = await startService(def, integrationEnv({ PORT: port }));
    const after = (await (await fetch(`${issuer}/jwks`)).json()) as any;
    expect(after.keys.map((k: { kid: string }) => k.kid)).toEqual(before.keys.map((k: { kid: string }) => k.kid));
    const keys = await tech.app.get(DataSource).query(`SELECT count(*)::int AS n FROM "${def.schema}".signing_key`);
    expect(keys[0].n).toBe(1);
  }, 60_000);
});
