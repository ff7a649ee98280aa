import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataPlatformService } from '@gmp/feature-data';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { DEMO_CITIZENS, DEMO_PERSON, techCapabilitiesService } from '@gmp/feature-tech';
import { type RunningService, startService } from '@gmp/service-kit';
import { inOwnSchema, integrationEnv } from '@gmp/testing';
import { getJson, INTERNAL, LOOKUP, post, registerGrantedApp, TEST_LEGAL_BASIS } from './dispatch-client.js';
import { OidcFlows } from './oidc-flows.js';
import { freePort } from './service-process.js';

/**
 * Legal bases are granted, not typed (issue 11, defect 1): a declared X-Legal-Basis opens
 * personal data only when it is a registered basis that the capability's owner approved for the
 * app's subscription; a user's own token acts for that user only; every read and refusal reaches
 * "who used my data" with the basis and the end user.
 */
describe('legal bases: registered, granted per subscription, never typed', () => {
  let tech: RunningService;
  let data: RunningService;
  let dispatch: RunningService;
  let citizenToken: string;
  const run = randomBytes(3).toString('hex');
  const other = DEMO_CITIZENS[1]!.id;
  const lookup = (holderId: string, headers: Record<string, string>) =>
    post(`${dispatch.url}${LOOKUP}`, { holderType: 'person', holderId }, { 'x-legal-basis': '', ...headers });
  const owner = { ...INTERNAL, 'x-caller': 'owner-e2e' };
  const accessLog = (purpose: string) =>
    tech.app
      .get(DataSource)
      .query(
        `SELECT outcome, basis, legal_basis, app, end_user FROM "${tech.definition.schema}".licence_access_log WHERE purpose = $1 ORDER BY accessed_at`,
        [purpose],
      );

  beforeAll(async () => {
    const port = await freePort();
    tech = await startService(inOwnSchema(techCapabilitiesService), integrationEnv({ PORT: String(port) }));
    data = await startService(inOwnSchema(dataPlatformService), integrationEnv());
    const issuer = `http://127.0.0.1:${port}/oidc`;
    dispatch = await startService(inOwnSchema(serviceDispatchService), integrationEnv({ OIDC_ISSUER: issuer }));
    citizenToken = (
      await new OidcFlows(issuer).signIn(
        { username: DEMO_PERSON.idNumber, password: DEMO_PERSON.password },
        { scope: 'openid capabilities:invoke licence:read' },
      )
    ).token!;
  }, 120_000);

  afterAll(async () => {
    await dispatch?.close();
    await data?.close();
    await tech?.close();
  });

  it('refuses typed, malformed, unregistered and ungranted bases before anything is read', async () => {
    const purpose = `lb-typed-${run}`;
    const cases: [string, number, string][] = [
      ['demo', 403, 'LEGAL_BASIS_NOT_GRANTED'], // well-formed but not registered, not granted
      ['x', 400, 'INVALID_HEADER'],
      ['%20', 400, 'INVALID_HEADER'],
      ['%zz', 400, 'INVALID_HEADER'],
      [encodeURIComponent('《行政许可法》第三十一条'), 400, 'INVALID_HEADER'],
      ['demo.gov-data-sharing%00', 400, 'INVALID_HEADER'],
      ['demo.market-entity-registration.nope', 403, 'LEGAL_BASIS_NOT_GRANTED'],
    ];
    for (const [basis, status, code] of cases) {
      const answer = await lookup(other, { 'x-legal-basis': basis, 'x-purpose': purpose });
      expect({ basis, status: answer.status, code: answer.body.code }).toEqual({ basis, status, code });
      expect(JSON.stringify(answer.body)).not.toContain('licenceId');
    }
    // Refused at dispatch: the provider saw none of them.
    expect(await accessLog(purpose)).toEqual([]);
  });

  it('acts for the signed-in citizen only: a user token with any legal basis is refused, another person’s licences stay closed', async () => {
    const asCitizen = (basis: string) => lookup(other, { authorization: `Bearer ${citizenToken}`, 'x-legal-basis': basis });
    for (const basis of ['demo', TEST_LEGAL_BASIS]) {
      const answer = await asCitizen(basis);
      expect(answer.status).toBe(403);
      expect(answer.body.code).toBe('LEGAL_BASIS_WITH_USER_TOKEN');
    }
    // Asynchronous calls alike: refused at once, not accepted and failed later.
    const async = await post(
      `${dispatch.url}/v1/capabilities/e-licence.query-by-holder/invoke-async`,
      { holderType: 'person', holderId: other },
      { authorization: `Bearer ${citizenToken}`, 'x-legal-basis': TEST_LEGAL_BASIS },
    );
    expect(async.status).toBe(403);
    expect(async.body.code).toBe('LEGAL_BASIS_WITH_USER_TOKEN');
    const own = await lookup(DEMO_PERSON.idNumber, { authorization: `Bearer ${citizenToken}` });
    expect(own.status).toBe(200);
    expect((await lookup(other, { authorization: `Bearer ${citizenToken}` })).body.code).toBe('LICENCE_USE_NOT_AUTHORISED');
  });

  it('opens data only under a basis the owner approved for this app and capability, and records basis and end user', async () => {
    // Operators register a basis; apps see it; an app asks for it with its subscription.
    const code = `e2e.basis-${run}`;
    const registered = await post(
      `${dispatch.url}/internal/v1/legal-bases`,
      {
        code,
        law: '《测试条例》',
        article: '第一条',
        summary: '测试用法定依据',
        capabilities: ['e-licence.query-by-holder'],
        dataOpened: '电子证照目录',
      },
      owner,
    );
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ code, title: '《测试条例》第一条', status: 'active' });
    expect((await post(`${dispatch.url}/internal/v1/legal-bases`, { ...registered.body, status: undefined }, owner)).status).toBe(400); // unknown fields
    expect(
      (
        await post(
          `${dispatch.url}/internal/v1/legal-bases`,
          {
            code,
            law: '《测试条例》',
            article: '第一条',
            summary: '重复',
            capabilities: ['e-licence.query-by-holder'],
            dataOpened: '目录',
          },
          owner,
        )
      ).status,
    ).toBe(409);
    expect(
      (
        await post(
          `${dispatch.url}/internal/v1/legal-bases`,
          {
            code: `${code}-x`,
            law: '《测试条例》',
            article: '第一条',
            summary: '未知能力',
            capabilities: ['no.such-capability'],
            dataOpened: '目录',
          },
          owner,
        )
      ).status,
    ).toBe(422);
    expect(
      (
        await post(
          `${dispatch.url}/internal/v1/legal-bases`,
          {
            code: 'Bad Code',
            law: '《测试条例》',
            article: '第一条',
            summary: '编码不合规',
            capabilities: ['e-licence.query-by-holder'],
            dataOpened: '目录',
          },
          owner,
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await post(
          `${dispatch.url}/internal/v1/legal-bases`,
          {
            code: `${code}-y`,
            law: '《测试条例》',
            article: '第一条',
            summary: '无操作人',
            capabilities: ['e-licence.query-by-holder'],
            dataOpened: '目录',
          },
          INTERNAL,
        )
      ).status,
    ).toBe(400);

    const app = await registerGrantedApp(dispatch.url, `e2e-lb-${run}`, []);
    const listed = await getJson(`${dispatch.url}/v1/legal-bases?capability=e-licence.query-by-holder`, app.auth);
    expect(listed.body.legalBases.map((b: { code: string }) => b.code)).toEqual(expect.arrayContaining([code, TEST_LEGAL_BASIS]));
    // Asking for a basis that does not open the capability is refused at once.
    expect(
      (
        await post(
          `${dispatch.url}/v1/subscriptions`,
          { capability: 'e-licence.query-by-holder', purpose: '测试', legalBases: ['demo.no-such-basis'] },
          app.auth,
        )
      ).body.code,
    ).toBe('LEGAL_BASIS_NOT_APPLICABLE');
    expect(
      (await post(`${dispatch.url}/v1/subscriptions`, { capability: 'e-licence.verify', purpose: '测试', legalBases: [code] }, app.auth))
        .body.code,
    ).toBe('LEGAL_BASIS_NOT_APPLICABLE');
    const asked = await post(
      `${dispatch.url}/v1/subscriptions`,
      { capability: 'e-licence.query-by-holder', purpose: '测试', legalBases: [code, TEST_LEGAL_BASIS] },
      app.auth,
    );
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ requestedLegalBases: [code, TEST_LEGAL_BASIS], legalBases: [] });
    // The owner approves one of the two.
    const approved = await post(
      `${dispatch.url}/internal/v1/subscriptions/${asked.body.id}/decision`,
      { decision: 'approve', legalBases: [code] },
      owner,
    );
    expect(approved.body).toMatchObject({ status: 'approved', legalBases: [code] });

    const purpose = `lb-granted-${run}`;
    const endUser = `clerk-${run}`;
    const call = (basis: string) => lookup(other, { ...app.auth, 'x-legal-basis': basis, 'x-purpose': purpose, 'x-end-user': endUser });
    expect((await call('')).body.code).toBe('LICENCE_USE_NOT_AUTHORISED'); // no basis, no authorisation: refused by the provider, logged
    const notApproved = await call(TEST_LEGAL_BASIS); // asked for, registered, not approved
    expect(notApproved.status).toBe(403);
    expect(notApproved.body.code).toBe('LEGAL_BASIS_NOT_GRANTED');
    const granted = await call(code);
    expect(granted.status).toBe(200);
    expect(granted.body.licences.length).toBeGreaterThan(0);
    // The demo app holds the test basis, not this one.
    expect((await lookup(other, { 'x-legal-basis': code })).body.code).toBe('LEGAL_BASIS_NOT_GRANTED');

    expect(await accessLog(purpose)).toEqual([
      { outcome: 'REFUSED', basis: null, legal_basis: null, app: app.appKey, end_user: endUser },
      { outcome: 'READ', basis: 'legal-basis', legal_basis: code, app: app.appKey, end_user: endUser },
    ]);
    // "Who used my data": both, with the basis as people read it and the end user.
    const records = async () =>
      (
        await post(`${data.url}/internal/v1/data-access/records/search`, { holderType: 'person', holderId: other, limit: 500 }, INTERNAL)
      ).body.records.filter((r: { purpose: string }) => r.purpose === purpose);
    for (let i = 0; i < 100 && (await records()).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await records()).toEqual([
      expect.objectContaining({ outcome: 'READ', app: app.appKey, endUser, legalBasis: code, legalBasisTitle: '《测试条例》第一条' }),
      expect.objectContaining({ outcome: 'REFUSED', app: app.appKey, endUser, legalBasis: null, itemCount: 0 }),
    ]);

    // The owner withdraws the basis from the grant; then the operator retires it: refused either way.
    expect((await post(`${dispatch.url}/internal/v1/subscriptions/${asked.body.id}/legal-bases`, { legalBases: [] }, owner)).status).toBe(
      404,
    ); // PUT, not POST
    const cleared = await fetch(`${dispatch.url}/internal/v1/subscriptions/${asked.body.id}/legal-bases`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...owner },
      body: JSON.stringify({ legalBases: [] }),
    });
    expect(cleared.status).toBe(200);
    expect((await call(code)).body.code).toBe('LEGAL_BASIS_NOT_GRANTED');
    const restored = await fetch(`${dispatch.url}/internal/v1/subscriptions/${asked.body.id}/legal-bases`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...owner },
      body: JSON.stringify({ legalBases: [code] }),
    });
    expect(restored.status).toBe(200);
    expect((await call(code)).status).toBe(200);
    expect((await post(`${dispatch.url}/internal/v1/legal-bases/${code}/retire`, {}, owner)).body.status).toBe('retired');
    await new Promise((r) => setTimeout(r, 2_100)); // one instance's cache
    expect((await call(code)).body.code).toBe('LEGAL_BASIS_NOT_GRANTED');
    expect(
      (
        await post(
          `${dispatch.url}/v1/subscriptions`,
          { capability: 'identity.verify-real-name', purpose: '测试', legalBases: [code] },
          app.auth,
        )
      ).body.code,
    ).toBe('LEGAL_BASIS_NOT_APPLICABLE');
  });

  it('checks the basis for every step of a composite before any step runs', async () => {
    // demo.market-entity-registration opens the lookup, not the composite nor its real-name step; demo.real-estate-registration opens all three.
    const answer = await post(
      `${dispatch.url}/v1/capabilities/composite.citizen-licences/invoke`,
      { name: DEMO_PERSON.name, idNumber: DEMO_PERSON.idNumber },
      { 'x-legal-basis': 'demo.market-entity-registration' },
    );
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('LEGAL_BASIS_NOT_GRANTED');
    const purpose = `lb-composite-${run}`;
    const ok = await post(
      `${dispatch.url}/v1/capabilities/composite.citizen-licences/invoke`,
      { name: DEMO_PERSON.name, idNumber: DEMO_PERSON.idNumber },
      { 'x-legal-basis': 'demo.real-estate-registration', 'x-purpose': purpose },
    );
    expect(ok.status).toBe(200);
    // Both reads — the population base (real-name step) and the licences — carry the basis into "who used my data".
    const records = async () =>
      (
        await post(
          `${data.url}/internal/v1/data-access/records/search`,
          { holderType: 'person', holderId: DEMO_PERSON.idNumber, limit: 500 },
          INTERNAL,
        )
      ).body.records.filter((r: { purpose: string }) => r.purpose === purpose);
    for (let i = 0; i < 100 && (await records()).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await records()).map((r: { resource: string; legalBasis: string }) => `${r.resource}:${r.legalBasis}`).sort()).toEqual([
      'e-licence:demo.real-estate-registration',
      'population-base:demo.real-estate-registration',
    ]);
  });
});
