import { DataSource } from 'typeorm';
import { dataPlatformService } from '@gmp/feature-data';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import {
  DEMO_BUSINESS_CLIENT,
  DEMO_CITIZENS,
  DEMO_COMPANIES,
  DEMO_PERSON,
  DEMO_PORTALS,
  DEMO_STAFF,
  techCapabilitiesService,
} from '@gmp/feature-tech';
import { generateSync } from 'otplib';
import { generateCitizenId } from '@gmp/gov-standards';
import { AccessTokenVerifier, canSeeRecord, PLATFORM_API_AUDIENCE, PlatformScope } from '@gmp/identity';
import { type RunningService, startService } from '@gmp/service-kit';
import { inOwnSchema, integrationEnv, TEST_INTERNAL_API_TOKEN } from '@gmp/testing';
import { BrowserSession, pkcePair } from './browser-session.js';
import { LOOKUP, post } from './dispatch-client.js';
import { freePort } from './service-process.js';
import { OidcFlows } from './oidc-flows.js';

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
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      },
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
      const ok = await post(
        `${dispatch.url}${LOOKUP}`,
        { holderType: 'person', holderId: DEMO_CITIZENS[0]!.id },
        { authorization: `Bearer ${access_token}` },
      );
      expect(ok.status).toBe(200);
      expect(ok.body.licences).toHaveLength(3);
      const forged = await post(
        `${dispatch.url}${LOOKUP}`,
        { holderType: 'person', holderId: DEMO_CITIZENS[0]!.id },
        { authorization: `Bearer ${access_token.slice(0, -4)}AAAA` },
      );
      expect(forged.status).toBe(401);
      expect(forged.body.detail).toContain('签名');
      // A token without capabilities:invoke (from a client allowed licence:read only) is refused by dispatch.
      await tech.app
        .get(DataSource)
        .query(`INSERT INTO "${tech.definition.schema}".oidc_payload (model, id, payload) VALUES ('Client', 'e2e-reader-app', $1)`, [
          JSON.stringify({
            client_id: 'e2e-reader-app',
            client_secret: 'reader-client-secret-0123456789',
            grant_types: ['client_credentials'],
            response_types: [],
            redirect_uris: [],
            token_endpoint_auth_method: 'client_secret_basic',
            scope: PlatformScope.ReadLicences,
          }),
        ]);
      const { access_token: narrow } = (await (
        await token('e2e-reader-app', 'reader-client-secret-0123456789', { scope: PlatformScope.ReadLicences })
      ).json()) as any;
      const noScope = await post(
        `${dispatch.url}${LOOKUP}`,
        { holderType: 'person', holderId: DEMO_CITIZENS[0]!.id },
        { authorization: `Bearer ${narrow}` },
      );
      expect(noScope.status).toBe(403);
      expect(noScope.body.code).toBe('INSUFFICIENT_SCOPE');
      // A client whose id cannot be an app key (oauth:<id> over 64 characters) is refused clearly, not with a database error.
      const longId = `e2e-long-client-${'x'.repeat(50)}`;
      await tech.app
        .get(DataSource)
        .query(`INSERT INTO "${tech.definition.schema}".oidc_payload (model, id, payload) VALUES ('Client', $1, $2)`, [
          longId,
          JSON.stringify({
            client_id: longId,
            client_secret: 'long-client-secret-0123456789',
            grant_types: ['client_credentials'],
            response_types: [],
            redirect_uris: [],
            token_endpoint_auth_method: 'client_secret_basic',
            scope: PlatformScope.InvokeCapabilities,
          }),
        ]);
      const long = await token(longId, 'long-client-secret-0123456789');
      expect(long.status).toBe(200);
      const { access_token: longToken } = (await long.json()) as any;
      const refused = await post(
        `${dispatch.url}${LOOKUP}`,
        { holderType: 'person', holderId: DEMO_CITIZENS[0]!.id },
        { authorization: `Bearer ${longToken}` },
      );
      expect(refused).toMatchObject({ status: 403, body: { code: 'CLIENT_ID_UNSUPPORTED' } });
    } finally {
      await dispatch.close();
    }
  }, 60_000);

  describe('portals: authorization code + PKCE, single sign-on', () => {
    const origin = () => new URL(issuer).origin;
    const authorize = (browser: BrowserSession, portal: (typeof DEMO_PORTALS)[number], challenge: string) =>
      new OidcFlows(issuer).authorize(browser, portal, challenge);
    const exchange = (portal: (typeof DEMO_PORTALS)[number], code: string, verifier: string) =>
      new OidcFlows(issuer).exchange(portal, code, verifier);
    const loginUrl = (page: { url: string }) => `${page.url}/login`;
    /** Signs the demo citizen in on a portal asking for offline access; returns the token response. */
    const signInOffline = async (browser: BrowserSession, portal: (typeof DEMO_PORTALS)[number]) => {
      const pkce = pkcePair();
      const form = await browser.follow(
        `${issuer}/auth?${new URLSearchParams({ client_id: portal.id, response_type: 'code', scope: 'openid offline_access licence:read', prompt: 'consent', redirect_uri: portal.redirectUri, code_challenge: pkce.challenge, code_challenge_method: 'S256' })}`,
        origin(),
      );
      const afterLogin = await browser.request(loginUrl(form), {
        method: 'POST',
        form: { username: DEMO_PERSON.idNumber, password: DEMO_PERSON.password },
      });
      const back = await browser.follow(afterLogin.location!, origin());
      return (await (await exchange(portal, new URL(back.url).searchParams.get('code')!, pkce.verifier)).json()) as any;
    };

    it('signs a citizen in on portal A and gives portal B the same session without a second login', async () => {
      const browser = new BrowserSession();
      const [a, b] = DEMO_PORTALS as [(typeof DEMO_PORTALS)[number], (typeof DEMO_PORTALS)[number]];
      const pkceA = pkcePair();
      const form = await authorize(browser, a, pkceA.challenge);
      expect(form.status).toBe(200);
      expect(form.text).toContain('统一身份认证登录');
      const afterLogin = await browser.request(loginUrl(form), {
        method: 'POST',
        form: { username: DEMO_PERSON.idNumber, password: DEMO_PERSON.password },
      });
      expect(afterLogin.status).toBe(303);
      const back = await browser.follow(afterLogin.location!, origin());
      expect(back.url.startsWith(a.redirectUri)).toBe(true);
      const codeA = new URL(back.url).searchParams.get('code')!;
      expect(new URL(back.url).searchParams.get('state')).toBe('st-1');

      const tokensA = (await (await exchange(a, codeA, pkceA.verifier)).json()) as any;
      expect(tokensA.access_token).toBeTruthy();
      const principal = await new AccessTokenVerifier({ issuer, audience: PLATFORM_API_AUDIENCE }).verify(tokensA.access_token);
      expect(principal.clientId).toBe(a.id);
      expect(principal.assurance).toBe(DEMO_PERSON.assuranceLevel);
      expect(principal.scopes).toContain(PlatformScope.ReadLicences);

      // Portal B: same browser, no login form — straight back with a code for the same person.
      const pkceB = pkcePair();
      const sso = await authorize(browser, b, pkceB.challenge);
      expect(sso.url.startsWith(b.redirectUri)).toBe(true);
      const tokensB = (await (await exchange(b, new URL(sso.url).searchParams.get('code')!, pkceB.verifier)).json()) as any;
      const principalB = await new AccessTokenVerifier({ issuer, audience: PLATFORM_API_AUDIENCE }).verify(tokensB.access_token);
      expect(principalB.subject).toBe(principal.subject);
      expect(principalB.clientId).toBe(b.id);

      // The code cannot be replayed.
      const replay = await exchange(a, codeA, pkceA.verifier);
      expect(replay.status).toBe(400);
      expect(((await replay.json()) as any).error).toBe('invalid_grant');
    }, 60_000);

    it('refreshes tokens with rotation, refuses a reused refresh token, and ends the session on logout', async () => {
      const browser = new BrowserSession();
      const a = DEMO_PORTALS[0]!;
      const b = DEMO_PORTALS[1]!;
      const tokens = await signInOffline(browser, a);
      expect(tokens.refresh_token).toBeTruthy();
      const refresh = (rt: string) =>
        fetch(`${issuer}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: rt, client_id: a.id }).toString(),
        });
      const refreshed = (await (await refresh(tokens.refresh_token)).json()) as any;
      expect(refreshed.access_token).toBeTruthy();
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
      const reused = await refresh(tokens.refresh_token);
      expect(reused.status).toBe(400);
      expect(((await reused.json()) as any).error).toBe('invalid_grant');

      // Logout (RP-initiated): confirm on the provider's page, then portal B needs a login again.
      const logoutPage = await browser.request(
        `${issuer}/session/end?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: a.redirectUri.replace('/callback', '/signed-out') })}`,
      );
      expect(logoutPage.status).toBe(200);
      expect(logoutPage.text).toContain('退出');
      const action = /action="([^"]+)"/.exec(logoutPage.text)![1]!;
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(logoutPage.text)![1]!;
      const done = await browser.request(new URL(action, issuer).toString(), { method: 'POST', form: { xsrf, logout: 'yes' } });
      expect(done.status).toBe(303);
      expect(done.location).toBe(a.redirectUri.replace('/callback', '/signed-out'));
      const again = await authorize(browser, b, pkcePair().challenge);
      expect(again.status).toBe(200);
      expect(again.text).toContain('统一身份认证登录');
    }, 60_000);

    it('lists an account’s online sessions and forces it out: single sign-on ends, refresh tokens die', async () => {
      const browser = new BrowserSession();
      const [a, b] = DEMO_PORTALS as [(typeof DEMO_PORTALS)[number], (typeof DEMO_PORTALS)[number]];
      const tokens = await signInOffline(browser, a);
      const accountId = (await new AccessTokenVerifier({ issuer, audience: PLATFORM_API_AUDIENCE }).verify(tokens.access_token)).subject;
      const admin = (path: string, method = 'GET') =>
        fetch(`${tech.url}/internal/v1/accounts/${accountId}/${path}`, {
          method,
          headers: { 'x-internal-token': TEST_INTERNAL_API_TOKEN },
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

      const online = await admin('sessions');
      expect(online.status).toBe(200);
      expect(online.body.sessions.length).toBeGreaterThanOrEqual(1);
      expect(online.body.sessions.flatMap((s: { clients: string[] }) => s.clients)).toContain(a.id);

      const forced = await admin('force-logout', 'POST');
      expect(forced.status).toBe(200);
      expect(forced.body.sessionsEnded).toBeGreaterThanOrEqual(1);
      expect(forced.body.grantsRevoked).toBeGreaterThanOrEqual(1);
      expect((await admin('sessions')).body.sessions).toEqual([]);
      const again = await authorize(browser, b, pkcePair().challenge);
      expect(again.text).toContain('统一身份认证登录');
      const refresh = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: a.id }).toString(),
      });
      expect(refresh.status).toBe(400);
      expect(
        (await fetch(`${tech.url}/internal/v1/accounts/not-a-uuid/sessions`, { headers: { 'x-internal-token': TEST_INTERNAL_API_TOKEN } }))
          .status,
      ).toBe(400);
    }, 60_000);

    it('signs staff in with their department and data scope in the token; administrators need their TOTP code', async () => {
      const staffSignIn = (form: Record<string, string>) => new OidcFlows(issuer).signIn(form);
      const ds = tech.app.get(DataSource);
      const pathOf = async (name: string) =>
        (await ds.query(`SELECT path FROM "${tech.definition.schema}".department WHERE name = $1`, [name]))[0].path as string;

      const operator = await staffSignIn({ username: DEMO_STAFF.operator.username, password: DEMO_STAFF.operator.password });
      expect(operator.status).toBe(303);
      expect(operator.principal).toMatchObject({ dataScope: 'dept_and_below', roles: ['operator'] });
      expect(operator.principal!.subject).toMatch(/^staff:/);
      expect(operator.principal!.claims['dept_path']).toBe(await pathOf('玄武区'));
      expect(canSeeRecord(operator.principal!, { departmentPath: await pathOf('玄武区行政审批局') })).toBe(true);
      expect(canSeeRecord(operator.principal!, { departmentPath: await pathOf('苏州市') })).toBe(false);
      expect(canSeeRecord(operator.principal!, { departmentPath: await pathOf('南京市') })).toBe(false);

      const admin = DEMO_STAFF.identityAdmin;
      const noOtp = await staffSignIn({ username: admin.username, password: admin.password });
      expect(noOtp.status).toBe(401);
      expect(noOtp.text).toContain('动态口令');
      const wrongOtp = await staffSignIn({
        username: admin.username,
        password: admin.password,
        otp: '000000' === generateSync({ secret: admin.totpSecret }) ? '111111' : '000000',
      });
      expect(wrongOtp.status).toBe(401);
      const withOtp = await staffSignIn({
        username: admin.username,
        password: admin.password,
        otp: generateSync({ secret: admin.totpSecret }),
      });
      expect(withOtp.status).toBe(303);
      expect(withOtp.principal).toMatchObject({ dataScope: 'all', roles: ['identity-admin'] });
      const wrongPassword = await staffSignIn({ username: DEMO_STAFF.operator.username, password: 'nope' });
      expect(wrongPassword.status).toBe(401);
      // Guessing TOTP codes with the right password counts towards the lock-out like a wrong password.
      for (let i = 0; i < 4; i++)
        expect((await staffSignIn({ username: admin.username, password: admin.password, otp: '000001' })).status).toBe(401);
      expect((await staffSignIn({ username: admin.username, password: admin.password, otp: '000001' })).status).toBe(423);
      expect(
        (await staffSignIn({ username: admin.username, password: admin.password, otp: generateSync({ secret: admin.totpSecret }) })).status,
      ).toBe(423);
      // Forced logout reaches staff too (subject staff:<id>).
      const forced = await fetch(`${tech.url}/internal/v1/accounts/${withOtp.principal!.subject}/force-logout`, {
        method: 'POST',
        headers: { 'x-internal-token': TEST_INTERNAL_API_TOKEN },
      });
      expect(forced.status).toBe(200);
      expect(((await forced.json()) as any).sessionsEnded).toBeGreaterThanOrEqual(1);
    }, 60_000);

    it('does not grant consent silently to a client that is not one of the platform’s portals', async () => {
      const ds = tech.app.get(DataSource);
      await ds.query(`INSERT INTO "${tech.definition.schema}".oidc_payload (model, id, payload) VALUES ('Client', 'third-party-app', $1)`, [
        JSON.stringify({
          client_id: 'third-party-app',
          grant_types: ['authorization_code'],
          response_types: ['code'],
          redirect_uris: ['http://127.0.0.1:8099/cb'],
          token_endpoint_auth_method: 'none',
          scope: 'openid licence:read',
        }),
      ]);
      const browser = new BrowserSession();
      const page = await browser.follow(
        `${issuer}/auth?${new URLSearchParams({ client_id: 'third-party-app', response_type: 'code', scope: 'openid licence:read', redirect_uri: 'http://127.0.0.1:8099/cb', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' })}`,
        origin(),
      );
      const afterLogin = await browser.request(loginUrl(page), {
        method: 'POST',
        form: { username: DEMO_PERSON.idNumber, password: DEMO_PERSON.password },
      });
      const end = await browser.follow(afterLogin.location!, origin());
      expect(end.status).toBe(403);
      expect(end.text).toContain('需要用户授权');
    }, 60_000);

    it('refuses a PKCE mismatch and a request without PKCE', async () => {
      const browser = new BrowserSession();
      const a = DEMO_PORTALS[0]!;
      const pkce = pkcePair();
      const form = await authorize(browser, a, pkce.challenge);
      const afterLogin = await browser.request(loginUrl(form), {
        method: 'POST',
        form: { username: DEMO_PERSON.idNumber, password: DEMO_PERSON.password },
      });
      const back = await browser.follow(afterLogin.location!, origin());
      const mismatch = await exchange(a, new URL(back.url).searchParams.get('code')!, pkcePair().verifier);
      expect(mismatch.status).toBe(400);
      expect(((await mismatch.json()) as any).error).toBe('invalid_grant');
      const noPkce = await new BrowserSession().follow(
        `${issuer}/auth?${new URLSearchParams({ client_id: a.id, response_type: 'code', scope: 'openid', redirect_uri: a.redirectUri })}`,
        origin(),
      );
      expect(new URL(noPkce.url).searchParams.get('error')).toBe('invalid_request');
    }, 60_000);

    it('locks the account after 5 wrong passwords, refuses even the right one, and lifts the lock when it expires', async () => {
      const browser = new BrowserSession();
      const a = DEMO_PORTALS[0]!;
      const form = await authorize(browser, a, pkcePair().challenge);
      const attempt = (password: string) =>
        browser.request(loginUrl(form), { method: 'POST', form: { username: DEMO_PERSON.idNumber, password } });
      for (let i = 1; i <= 4; i++) expect((await attempt(`wrong-${i}`)).status).toBe(401);
      const locked = await attempt('wrong-5');
      expect(locked.status).toBe(423);
      expect(locked.text).toContain('账户已锁定');
      expect((await attempt(DEMO_PERSON.password)).status).toBe(423);
      const ds = tech.app.get(DataSource);
      const schema = tech.definition.schema;
      const audit = await ds.query(
        `SELECT event, count(*)::int AS n FROM "${schema}".identity_audit WHERE account_id IN (SELECT id FROM "${schema}".person_account) GROUP BY event`,
      );
      expect(Object.fromEntries(audit.map((r: { event: string; n: number }) => [r.event, r.n]))).toMatchObject({
        LOGIN_FAILED: 5,
        ACCOUNT_LOCKED: 1,
        LOGIN_REFUSED_LOCKED: 1,
      });
      // Ten more at once cannot slip past the count: every one is refused while locked.
      const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => attempt(i === 3 ? DEMO_PERSON.password : `burst-${i}`)));
      expect(new Set(burst.map((r) => r.status))).toEqual(new Set([423]));
      // The lock lifts when its time is over (moved into the past here rather than waiting 15 minutes).
      await ds.query(`UPDATE "${schema}".login_throttle SET expire = $1 WHERE key LIKE 'name%'`, [Date.now() - 1000]);
      const unlocked = await attempt(DEMO_PERSON.password);
      expect(unlocked.status).toBe(303);
    }, 60_000);
  });

  it('checks real names against the population base library over Kafka, recording who asked and why', async () => {
    const data = await startService(inOwnSchema(dataPlatformService), integrationEnv());
    const dispatch = await startService(inOwnSchema(serviceDispatchService), integrationEnv({ OIDC_ISSUER: issuer }));
    const invoke = (input: unknown) =>
      post(`${dispatch.url}/v1/capabilities/identity.verify-real-name/invoke`, input, { 'x-purpose': 'e2e-real-name' });
    try {
      const real = await invoke({ name: DEMO_PERSON.name, idNumber: DEMO_PERSON.idNumber });
      expect(real.body).toEqual({ match: true, source: 'population-base', assuranceLevel: DEMO_PERSON.assuranceLevel });
      // 李四 is in the population base but has no platform account: a match without a level.
      expect((await invoke({ name: DEMO_CITIZENS[1]!.name, idNumber: DEMO_CITIZENS[1]!.id })).body).toEqual({
        match: true,
        source: 'population-base',
      });
      expect((await invoke({ name: '李四', idNumber: DEMO_PERSON.idNumber })).body).toEqual({
        match: false,
        source: 'population-base',
        reason: 'NAME_MISMATCH',
      });
      const stranger = generateCitizenId({ regionCode: '320102', birthDate: '2001-02-03', sequence: 7 });
      expect((await invoke({ name: '赵六', idNumber: stranger })).body).toEqual({
        match: false,
        source: 'population-base',
        reason: 'NO_RECORD',
      });
      expect((await invoke({ name: '张三', idNumber: '110105194912310021' })).status).toBe(400);
      // The person's "who used my data" view on the data platform shows the checks, with the app and the purpose.
      const used = await post(
        `${data.url}/internal/v1/data-access/records/search`,
        { holderType: 'person', holderId: DEMO_PERSON.idNumber },
        { 'x-internal-token': TEST_INTERNAL_API_TOKEN },
      );
      expect(used.body.records).toEqual(
        expect.arrayContaining([expect.objectContaining({ resource: 'population-base', app: 'demo-portal', purpose: 'e2e-real-name' })]),
      );
      // Without the data platform the check fails clearly (503), it does not guess from the identity store.
      await data.close();
      const down = await invoke({ name: DEMO_PERSON.name, idNumber: DEMO_PERSON.idNumber });
      expect(down.status).toBe(503);
      expect(down.body.code).toBe('PROVIDER_UNAVAILABLE');
    } finally {
      await dispatch.close();
      await data.close().catch(() => undefined);
    }
  }, 60_000);

  it('answers agent authorisations through dispatch; revocation and expiry take effect at once', async () => {
    const dispatch = await startService(inOwnSchema(serviceDispatchService), integrationEnv({ OIDC_ISSUER: issuer }));
    const admin = (path: string, body: unknown = {}) =>
      post(`${tech.url}/internal/v1/${path}`, body, { 'x-internal-token': TEST_INTERNAL_API_TOKEN, 'x-caller': 'e2e-admin' });
    const invoke = (code: string, input: unknown) => post(`${dispatch.url}/v1/capabilities/${code}/invoke`, input);
    try {
      const company = DEMO_COMPANIES[1]!.id;
      const check = (scope: string) =>
        invoke('identity.check-agent', { agentIdNumber: DEMO_PERSON.idNumber, companyCreditCode: company, scope });
      expect((await check('case:submit')).body).toMatchObject({ authorised: false, reason: 'NO_AUTHORISATION' });
      const granted = await admin('agent-authorisations', {
        creditCode: company,
        agentIdNumber: DEMO_PERSON.idNumber,
        scopes: ['case:submit'],
        validUntil: new Date(Date.now() + 3600_000).toISOString(),
      });
      expect(granted.status).toBe(201);
      expect((await check('case:submit')).body).toMatchObject({ authorised: true });
      expect((await check('licence:read')).body).toMatchObject({ authorised: false, reason: 'OUT_OF_SCOPE' });
      expect((await admin(`agent-authorisations/${granted.body.id}/revoke`)).status).toBe(200);
      expect((await check('case:submit')).body).toMatchObject({ authorised: false, reason: 'REVOKED' });
      expect((await admin(`agent-authorisations/${granted.body.id}/revoke`)).status).toBe(404);

      const shortLived = await admin('agent-authorisations', {
        creditCode: company,
        agentIdNumber: DEMO_PERSON.idNumber,
        scopes: ['case:submit'],
        validUntil: new Date(Date.now() + 1500).toISOString(),
      });
      expect(shortLived.status).toBe(201);
      expect((await check('case:submit')).body.authorised).toBe(true);
      await new Promise((r) => setTimeout(r, 1800));
      expect((await check('case:submit')).body).toMatchObject({ authorised: false, reason: 'EXPIRED' });

      // Bad input to the administration API is refused with reasons.
      expect(
        (
          await admin('agent-authorisations', {
            creditCode: company,
            agentIdNumber: DEMO_PERSON.idNumber,
            scopes: ['case:submit'],
            validUntil: '2000-01-01T00:00:00Z',
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await admin('agent-authorisations', {
            creditCode: company,
            agentIdNumber: DEMO_CITIZENS[2]!.id,
            scopes: ['case:submit'],
            validUntil: new Date(Date.now() + 60_000).toISOString(),
          })
        ).body.code,
      ).toBe('UNKNOWN_ACCOUNT');
      expect(
        (
          await admin('agent-authorisations', {
            creditCode: company.slice(0, 17) + (company[17] === '0' ? '1' : '0'),
            agentIdNumber: DEMO_PERSON.idNumber,
            scopes: ['x:y'],
            validUntil: new Date(Date.now() + 60_000).toISOString(),
          })
        ).status,
      ).toBe(400);
      expect((await post(`${tech.url}/internal/v1/agent-authorisations`, {}, {})).status).toBe(401);

      const resolved = await invoke('identity.resolve-legal-person', { creditCode: DEMO_COMPANIES[0]!.id });
      expect(resolved.body).toMatchObject({ registered: true, name: DEMO_COMPANIES[0]!.name });
      expect(resolved.body.agents).toEqual([
        expect.objectContaining({
          agentName: DEMO_PERSON.name,
          agentIdMasked: '110105********002X',
          scopes: ['licence:read', 'licence:authorise'],
        }),
      ]);
      expect((await invoke('identity.resolve-legal-person', { creditCode: DEMO_COMPANIES[1]!.id })).body.agents).toEqual([]);

      const { access_token } = (await (await token(DEMO_BUSINESS_CLIENT.id, DEMO_BUSINESS_CLIENT.secret)).json()) as any;
      const live = await invoke('identity.introspect-token', { token: access_token });
      expect(live.body).toMatchObject({ active: true, clientId: DEMO_BUSINESS_CLIENT.id, scopes: [PlatformScope.InvokeCapabilities] });
      const dead = await invoke('identity.introspect-token', { token: `${access_token.slice(0, -4)}AAAA` });
      expect(dead.body).toEqual({ active: false, reason: 'TOKEN_BAD_SIGNATURE' });
      // A user's token is inactive at once after a forced logout, though its JWT still verifies locally until it expires.
      const citizen = await new OidcFlows(issuer).signIn({ username: DEMO_PERSON.idNumber, password: DEMO_PERSON.password });
      expect((await invoke('identity.introspect-token', { token: citizen.token })).body).toMatchObject({
        active: true,
        subject: citizen.principal!.subject,
        assuranceLevel: 3,
      });
      expect((await admin(`accounts/${citizen.principal!.subject}/force-logout`)).status).toBe(200);
      expect((await invoke('identity.introspect-token', { token: citizen.token })).body).toEqual({
        active: false,
        reason: 'TOKEN_REVOKED',
      });

      const audit = await tech.app
        .get(DataSource)
        .query(
          `SELECT event, count(*)::int AS n FROM "${tech.definition.schema}".identity_audit WHERE event LIKE 'AGENT_%' GROUP BY event`,
        );
      expect(Object.fromEntries(audit.map((r: { event: string; n: number }) => [r.event, r.n]))).toMatchObject({
        AGENT_GRANTED: 3,
        AGENT_REVOKED: 1,
      });
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
