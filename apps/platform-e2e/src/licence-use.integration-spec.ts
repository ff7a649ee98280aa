import { DataSource } from 'typeorm';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { DEMO_CITIZENS, DEMO_COMPANIES, DEMO_PERSON, techCapabilitiesService } from '@gmp/feature-tech';
import { type RunningService, startService } from '@gmp/service-kit';
import { inOwnSchema, integrationEnv } from '@gmp/testing';
import { LOOKUP, post, TEST_LEGAL_BASIS } from './dispatch-client.js';
import { OidcFlows } from './oidc-flows.js';
import { freePort } from './service-process.js';

/** 用证授权: licence lookups need the holder (signed in), the holder's authorisation, or a declared legal basis. */
describe('e-licence use authorisation and the legal-basis rule', () => {
  let tech: RunningService;
  let dispatch: RunningService;
  let citizenToken: string;
  // Calls of this file carry their own purpose: the access log is read for them only (other files' leftover Kafka requests may reach this service).
  const NO_BASIS = { 'x-legal-basis': '', 'x-purpose': 'licence-use-e2e' };
  const lookup = (holderId: string, headers: Record<string, string> = NO_BASIS) =>
    post(`${dispatch.url}${LOOKUP}`, { holderType: 'person', holderId }, headers);
  const asCitizen = (code: string, input: unknown) =>
    post(`${dispatch.url}/v1/capabilities/${code}/invoke`, input, { authorization: `Bearer ${citizenToken}`, ...NO_BASIS });
  const log = (q = '') =>
    tech.app
      .get(DataSource)
      .query(
        `SELECT outcome, basis, legal_basis, app, licence_count FROM "${tech.definition.schema}".licence_access_log WHERE purpose = 'licence-use-e2e' ${q ? `AND ${q}` : ''} ORDER BY accessed_at`,
      );

  beforeAll(async () => {
    const port = await freePort();
    tech = await startService(inOwnSchema(techCapabilitiesService), integrationEnv({ PORT: String(port) }));
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
    await tech?.close();
  });

  it('refuses a lookup with neither authorisation nor legal basis, returns nothing, and logs the attempt', async () => {
    const refused = await lookup(DEMO_PERSON.idNumber);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('LICENCE_USE_NOT_AUTHORISED');
    expect(JSON.stringify(refused.body)).not.toContain('licenceId');
    const withBasis = await lookup(DEMO_PERSON.idNumber, { ...NO_BASIS, 'x-legal-basis': TEST_LEGAL_BASIS });
    expect(withBasis.status).toBe(200);
    expect(withBasis.body.licences).toHaveLength(3);
    expect(await log()).toEqual([
      expect.objectContaining({ outcome: 'REFUSED', basis: null, licence_count: 0 }),
      expect.objectContaining({ outcome: 'READ', basis: 'legal-basis', legal_basis: TEST_LEGAL_BASIS, licence_count: 3 }),
    ]);
  });

  it('lets holders read their own licences when signed in, and nobody else’s', async () => {
    const own = await post(
      `${dispatch.url}${LOOKUP}`,
      { holderType: 'person', holderId: DEMO_PERSON.idNumber },
      { authorization: `Bearer ${citizenToken}`, ...NO_BASIS },
    );
    expect(own.status).toBe(200);
    const other = await post(
      `${dispatch.url}${LOOKUP}`,
      { holderType: 'person', holderId: DEMO_CITIZENS[1]!.id },
      { authorization: `Bearer ${citizenToken}`, ...NO_BASIS },
    );
    expect(other.status).toBe(403);
    // An app only naming the holder as its end user is not the holder.
    const [{ id }] = await tech.app.get(DataSource).query(`SELECT id FROM "${tech.definition.schema}".person_account LIMIT 1`);
    expect((await lookup(DEMO_PERSON.idNumber, { ...NO_BASIS, 'x-end-user': id })).status).toBe(403);
  });

  it('gives an app the holder’s licences while an authorisation lasts — all, or only the one authorised — and stops at once when withdrawn', async () => {
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const all = await asCitizen('e-licence.authorise-use', { grantee: 'demo-portal', purpose: '新生儿出生一件事', validUntil: until });
    expect(all.status).toBe(200);
    const read = await lookup(DEMO_PERSON.idNumber);
    expect(read.status).toBe(200);
    expect(read.body.licences).toHaveLength(3);
    expect((await asCitizen('e-licence.withdraw-use', { authorisationId: all.body.authorisationId })).body).toEqual({
      authorisationId: all.body.authorisationId,
      withdrawn: true,
    });
    expect((await lookup(DEMO_PERSON.idNumber)).status).toBe(403);

    const one = read.body.licences[1].licenceId as string;
    expect((await asCitizen('e-licence.authorise-use', { licenceId: one, grantee: 'demo-portal', validUntil: until })).status).toBe(200);
    const narrow = await lookup(DEMO_PERSON.idNumber);
    expect(narrow.body.licences.map((l: { licenceId: string }) => l.licenceId)).toEqual([one]);
    expect((await log("basis = 'authorisation'")).length).toBe(2);
  });

  it('refuses authorisations not made by the signed-in holder, for others’ licences, or with bad times', async () => {
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const byApp = await post(
      `${dispatch.url}/v1/capabilities/e-licence.authorise-use/invoke`,
      { grantee: 'demo-portal', validUntil: until },
      { 'x-end-user': '00000000-0000-4000-8000-000000000000' },
    );
    expect(byApp.status).toBe(403);
    const others = await post(`${dispatch.url}${LOOKUP}`, { holderType: 'person', holderId: DEMO_CITIZENS[1]!.id }, {});
    const foreign = await asCitizen('e-licence.authorise-use', {
      licenceId: others.body.licences[0].licenceId,
      grantee: 'demo-portal',
      validUntil: until,
    });
    expect(foreign.status).toBe(403);
    expect((await asCitizen('e-licence.authorise-use', { grantee: 'demo-portal', validUntil: '2020-01-01T00:00:00Z' })).status).toBe(422);
    expect(
      (
        await asCitizen('e-licence.authorise-use', {
          grantee: 'demo-portal',
          validUntil: new Date(Date.now() + 400 * 86_400_000).toISOString(),
        })
      ).status,
    ).toBe(422);
    expect((await asCitizen('e-licence.authorise-use', { grantee: 'has spaces', validUntil: until })).status).toBe(400);
    expect((await asCitizen('e-licence.withdraw-use', { authorisationId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
  });

  it('lets a company’s agent (scope licence:authorise) authorise use of the company’s licences — and nobody else’s', async () => {
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const [own, other] = DEMO_COMPANIES;
    const lookupCompany = (creditCode: string) =>
      post(`${dispatch.url}${LOOKUP}`, { holderType: 'company', holderId: creditCode }, NO_BASIS);
    expect((await lookupCompany(own!.id)).status).toBe(403);
    const granted = await asCitizen('e-licence.authorise-use', {
      companyCreditCode: own!.id,
      grantee: 'demo-portal',
      purpose: '企业开办一件事',
      validUntil: until,
    });
    expect(granted.status).toBe(200);
    const read = await lookupCompany(own!.id);
    expect(read.status).toBe(200);
    expect(read.body.licences.length).toBeGreaterThan(0);
    // Recorded with who granted it: the agent's account, not the company.
    const [row] = await tech.app
      .get(DataSource)
      .query(`SELECT granted_by IS NOT NULL AS by_agent FROM "${tech.definition.schema}".licence_use_authorisation WHERE id = $1`, [
        granted.body.authorisationId,
      ]);
    expect(row.by_agent).toBe(true);
    // Not an agent of the other company; a licence of the other company named under this one is refused too.
    const refused = await asCitizen('e-licence.authorise-use', { companyCreditCode: other!.id, grantee: 'demo-portal', validUntil: until });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('NOT_HOLDER_OR_AGENT');
    const othersLicence = (await post(`${dispatch.url}${LOOKUP}`, { holderType: 'company', holderId: other!.id }, {})).body.licences[0]
      .licenceId;
    expect(
      (
        await asCitizen('e-licence.authorise-use', {
          licenceId: othersLicence,
          companyCreditCode: own!.id,
          grantee: 'demo-portal',
          validUntil: until,
        })
      ).status,
    ).toBe(422);
    expect(
      (await asCitizen('e-licence.authorise-use', { companyCreditCode: '91320100MA1XK2Q84X', grantee: 'demo-portal', validUntil: until }))
        .status,
    ).toBe(400);
    // The agent withdraws it; the company's licences are closed again.
    expect((await asCitizen('e-licence.withdraw-use', { authorisationId: granted.body.authorisationId })).status).toBe(200);
    expect((await lookupCompany(own!.id)).status).toBe(403);
  });
});
