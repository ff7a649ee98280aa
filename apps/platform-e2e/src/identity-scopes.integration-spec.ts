import * as oidc from 'openid-client';
import { DataSource } from 'typeorm';
import { DEMO_BUSINESS_CLIENT, DEMO_PERSON, techCapabilitiesService } from '@gmp/feature-tech';
import { AccessTokenVerifier, PLATFORM_API_AUDIENCE, PlatformScope } from '@gmp/identity';
import { type RunningService, startService } from '@gmp/service-kit';
import { inOwnSchema, integrationEnv } from '@gmp/testing';
import { BrowserSession } from './browser-session.js';
import { freePort } from './service-process.js';

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/** The OAuth error a rejected openid-client call carries (`invalid_scope`, …), or the unexpected value itself. */
const oauthError = (p: Promise<unknown>) =>
  p.then(
    (ok) => ({ ok }),
    (e: unknown) => {
      if (e instanceof oidc.ResponseBodyError || e instanceof oidc.AuthorizationResponseError)
        return { error: e.error, description: e.error_description };
      // A 401 for the client comes as a WWW-Authenticate challenge (RFC 6749 §5.2).
      if (e instanceof oidc.WWWAuthenticateChallengeError) return { error: e.cause[0]?.parameters.error, status: e.status };
      throw e;
    },
  );

/**
 * Every OAuth client holds an explicit list of allowed scopes, stored with it, and gets no scope
 * outside it on any grant (client credentials, authorization code, refresh) — driven through
 * openid-client as a real client would.
 */
describe('identity: a client gets only the scopes it is allowed', () => {
  let tech: RunningService;
  let issuer: URL;
  let ds: DataSource;
  let schema: string;
  const discover = (clientId: string, auth: oidc.ClientAuth) =>
    oidc.discovery(issuer, clientId, undefined, auth, { execute: [oidc.allowInsecureRequests] });
  const verify = (token: string) => new AccessTokenVerifier({ issuer: issuer.href, audience: PLATFORM_API_AUDIENCE }).verify(token);
  const upload = (token: string) =>
    fetch(`${tech.url}/v1/files`, {
      method: 'POST',
      headers: { 'content-type': 'application/pdf', 'x-file-name': 'a.pdf', authorization: `Bearer ${token}` },
      body: PDF,
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
  const storeClient = (id: string, payload: Record<string, unknown>) =>
    ds.query(`INSERT INTO "${schema}".oidc_payload (model, id, payload) VALUES ('Client', $1, $2)`, [
      id,
      JSON.stringify({ client_id: id, ...payload }),
    ]);
  const setScope = (id: string, scope: string) =>
    ds.query(
      `UPDATE "${schema}".oidc_payload SET payload = jsonb_set(payload, '{scope}', to_jsonb($2::text)) WHERE model = 'Client' AND id = $1`,
      [id, scope],
    );

  beforeAll(async () => {
    const port = await freePort();
    tech = await startService(inOwnSchema(techCapabilitiesService), integrationEnv({ PORT: String(port) }));
    issuer = new URL(`http://127.0.0.1:${port}/oidc`);
    ds = tech.app.get(DataSource);
    schema = tech.definition.schema;
  }, 120_000);

  afterAll(async () => {
    await tech?.close();
  });

  describe('client credentials: the demo business-line app', () => {
    let app: oidc.Configuration;
    beforeAll(async () => {
      app = await discover(DEMO_BUSINESS_CLIENT.id, oidc.ClientSecretBasic(DEMO_BUSINESS_CLIENT.secret));
    });

    it('is stored with its list: capabilities:invoke only', async () => {
      const [row] = await ds.query(`SELECT payload->>'scope' AS scope FROM "${schema}".oidc_payload WHERE model = 'Client' AND id = $1`, [
        DEMO_BUSINESS_CLIENT.id,
      ]);
      expect(row.scope).toBe(PlatformScope.InvokeCapabilities);
      expect(DEMO_BUSINESS_CLIENT.scope).toBe(PlatformScope.InvokeCapabilities);
    });

    it('asking for files:write — alone or with its allowed scope — or any other scope outside its list gets invalid_scope', async () => {
      for (const scope of [
        'files:write',
        'files:write licence:read',
        `${PlatformScope.InvokeCapabilities} ${PlatformScope.WriteFiles}`,
        'licence:read',
        'openid',
        'offline_access',
        'admin:everything',
      ]) {
        expect({ scope, ...(await oauthError(oidc.clientCredentialsGrant(app, { scope }))) }).toMatchObject({
          scope,
          error: 'invalid_scope',
        });
      }
    });

    it('asking for its allowed scope works; the token carries that scope only and cannot upload a file (403)', async () => {
      const tokens = await oidc.clientCredentialsGrant(app, { scope: PlatformScope.InvokeCapabilities });
      expect(tokens.scope).toBe(PlatformScope.InvokeCapabilities);
      expect((await verify(tokens.access_token)).scopes).toEqual([PlatformScope.InvokeCapabilities]);
      expect(await upload(tokens.access_token)).toMatchObject({ status: 403, body: { code: 'INSUFFICIENT_SCOPE' } });
      // Asking for nothing gives nothing.
      const bare = await oidc.clientCredentialsGrant(app);
      expect((await verify(bare.access_token)).scopes).toEqual([]);
      expect((await upload(bare.access_token)).status).toBe(403);
    });
  });

  it('stores no client without a list of allowed scopes, and serves none whose list names an unknown scope', async () => {
    const base = {
      client_secret: 'e2e-client-secret-0123456789',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    };
    for (const [id, extra] of [
      ['e2e-no-list', {}],
      ['e2e-empty-list', { scope: ' ' }],
      ['e2e-list-not-text', { scope: ['capabilities:invoke'] }],
    ] as const) {
      await expect(storeClient(id, { ...base, ...extra })).rejects.toMatchObject({ code: '23514' }); // check_violation
    }
    await storeClient('e2e-unknown-scope', { ...base, scope: `${PlatformScope.InvokeCapabilities} admin:everything` });
    const unknown = await discover('e2e-unknown-scope', oidc.ClientSecretBasic(base.client_secret));
    expect(await oauthError(oidc.clientCredentialsGrant(unknown, { scope: PlatformScope.InvokeCapabilities }))).toMatchObject({
      error: 'invalid_client',
      status: 401,
    });
  });

  describe('authorization code and refresh tokens: a portal', () => {
    const portal = { id: 'e2e-scoped-portal', redirectUri: 'http://127.0.0.1:8093/callback' };
    let config: oidc.Configuration;

    beforeAll(async () => {
      await storeClient(portal.id, {
        client_name: 'e2e portal',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [portal.redirectUri],
        token_endpoint_auth_method: 'none',
        first_party: true,
        scope: `openid offline_access ${PlatformScope.ReadLicences} ${PlatformScope.WriteFiles}`,
      });
      config = await discover(portal.id, oidc.None());
    });

    /** The browser goes to the provider: the login page, or straight back to the portal (an error, or single sign-on). */
    const authorize = async (scope: string) => {
      const browser = new BrowserSession();
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: portal.redirectUri,
        scope,
        prompt: 'consent',
        state,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      return { browser, verifier, state, page: await browser.follow(url.href, issuer.origin) };
    };
    /** The citizen signs in on the login page, the browser comes back, the portal redeems the code. */
    const signIn = async (scope: string) => {
      const { browser, verifier, state, page } = await authorize(scope);
      let back = page;
      if (!page.url.startsWith(portal.redirectUri)) {
        const afterLogin = await browser.request(`${page.url}/login`, {
          method: 'POST',
          form: { username: DEMO_PERSON.idNumber, password: DEMO_PERSON.password },
        });
        expect(afterLogin.status).toBe(303);
        back = await browser.follow(afterLogin.location!, issuer.origin);
      }
      return oidc.authorizationCodeGrant(config, new URL(back.url), { pkceCodeVerifier: verifier, expectedState: state });
    };

    it('refuses an authorization request for a scope outside the list with invalid_scope, before any login page', async () => {
      for (const scope of [`openid ${PlatformScope.InvokeCapabilities}`, 'openid profile', 'openid admin:everything']) {
        const { verifier, state, page } = await authorize(scope);
        expect({ scope, back: page.url.startsWith(portal.redirectUri) }).toEqual({ scope, back: true });
        expect({
          scope,
          ...(await oauthError(
            oidc.authorizationCodeGrant(config, new URL(page.url), { pkceCodeVerifier: verifier, expectedState: state }),
          )),
        }).toMatchObject({ scope, error: 'invalid_scope' });
      }
    }, 60_000);

    it('issues only allowed scopes; a refresh asking for more, or after the list shrank, is invalid_scope and the refresh token still works', async () => {
      const tokens = await signIn(`openid offline_access ${PlatformScope.ReadLicences} ${PlatformScope.WriteFiles}`);
      expect((await verify(tokens.access_token)).scopes.sort()).toEqual([PlatformScope.WriteFiles, PlatformScope.ReadLicences].sort());
      expect(tokens.refresh_token).toBeTruthy();

      expect(
        await oauthError(oidc.refreshTokenGrant(config, tokens.refresh_token!, { scope: `openid ${PlatformScope.InvokeCapabilities}` })),
      ).toMatchObject({ error: 'invalid_scope' });
      // The refused refresh did not use the refresh token up (it is rotated only once the scopes pass).
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      expect((await verify(refreshed.access_token)).scopes).toContain(PlatformScope.WriteFiles);

      // The operator takes files:write away: the refresh token, which carries it, no longer gets it.
      await setScope(portal.id, `openid offline_access ${PlatformScope.ReadLicences}`);
      expect(await oauthError(oidc.refreshTokenGrant(config, refreshed.refresh_token!))).toMatchObject({ error: 'invalid_scope' });
      expect(
        await oauthError(oidc.refreshTokenGrant(config, refreshed.refresh_token!, { scope: `openid ${PlatformScope.WriteFiles}` })),
      ).toMatchObject({ error: 'invalid_scope' });
      const narrowed = await oidc.refreshTokenGrant(config, refreshed.refresh_token!, {
        scope: `openid offline_access ${PlatformScope.ReadLicences}`,
      });
      expect((await verify(narrowed.access_token)).scopes).toEqual([PlatformScope.ReadLicences]);
      expect(await upload(narrowed.access_token)).toMatchObject({ status: 403, body: { code: 'INSUFFICIENT_SCOPE' } });
      // A new sign-in asking for the scope taken away is refused at the authorization endpoint.
      expect(await oauthError(signIn(`openid ${PlatformScope.WriteFiles}`))).toMatchObject({ error: 'invalid_scope' });
    }, 60_000);
  });
});
