import { X509Certificate } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AsnConvert } from '@peculiar/asn1-schema';
import { opensslVerifyCertificate, pdfsigVerify, SES_Signature, verifyPdfSignature } from '@gmp/e-seal';
import { dataPlatformService } from '@gmp/feature-data';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { DEMO_COMPANIES, DEMO_LICENCE_TYPES, DEMO_SEAL, LicenceLifecycleService, techCapabilitiesService } from '@gmp/feature-tech';
import { isLicenceId } from '@gmp/gov-standards';
import { DispatchClient, DispatchError } from '@gmp/dispatch-client';
import { ELicenceClient } from '@gmp/e-licence';
import { ProblemException, type RunningService, startService } from '@gmp/service-kit';
import { eventually, inOwnSchema, integrationEnv, TEST_INTERNAL_API_TOKEN } from '@gmp/testing';
import { post, TEST_LEGAL_BASIS } from './dispatch-client.js';
import { opensslAccepts, pdfText } from './pdf-checks.js';

const BUSINESS_LICENCE = DEMO_LICENCE_TYPES.find((t) => t.name === '营业执照')!.code;
/** The demo companies' licences are issued by the market regulator, with its seal (the demo seal seed registers it). */
const ISSUING_AUTHORITY = '江苏省市场监督管理局';

/** E-licence issue → read → verify → annotate → revoke through dispatch over Kafka; the data platform's index follows. */
describe('e-licence lifecycle', () => {
  let tech: RunningService;
  let data: RunningService;
  let dispatch: RunningService;
  const invoke = (code: string, input: unknown) =>
    post(`${dispatch.url}/v1/capabilities/${code}/invoke`, input, { 'x-purpose': 'e2e-licence' });
  const techSql = (q: string, p: unknown[] = []) => tech.app.get(DataSource).query(q.replaceAll('S.', `"${tech.definition.schema}".`), p);
  const index = (id: string) =>
    data.app
      .get(DataSource)
      .query(`SELECT status, valid_until FROM "${data.definition.schema}".licence_index WHERE licence_id = $1`, [id])
      .then((r: unknown[]) => r[0] as { status: string } | undefined);
  const company = DEMO_COMPANIES[1];
  /** The issuing authority's seal, as the demo seed registered it (looked up in beforeAll). */
  const issuer = { sealId: '', code: '', name: '' };
  const issueInput = {
    typeCode: BUSINESS_LICENCE,
    holderType: 'company',
    holderId: company.id,
    holderName: company.name,
    data: { legalRepresentative: '李四', registeredCapital: '50万元', businessScope: '餐饮服务' },
    sealId: '',
  };

  beforeAll(async () => {
    tech = await startService(inOwnSchema(techCapabilitiesService), integrationEnv());
    data = await startService(inOwnSchema(dataPlatformService), integrationEnv());
    dispatch = await startService(inOwnSchema(serviceDispatchService), integrationEnv());
    const [seal] = await techSql(`SELECT id, organisation_code, organisation_name FROM S.seal WHERE organisation_name = $1`, [
      ISSUING_AUTHORITY,
    ]);
    Object.assign(issuer, { sealId: seal.id, code: seal.organisation_code, name: seal.organisation_name });
    issueInput.sealId = issuer.sealId;
  }, 120_000);

  afterAll(async () => {
    await dispatch?.close();
    await data?.close();
    await tech?.close();
  });

  it('issues a licence from structured data, signed with the issuing seal; it reads, verifies and reaches the data platform’s index', async () => {
    const issued = await invoke('e-licence.issue', issueInput);
    expect(issued.status).toBe(200);
    expect(isLicenceId(issued.body.licenceId)).toBe(true);
    expect(issued.body.licenceId).toContain(`.${BUSINESS_LICENCE}.${issuer.code}.`);
    expect(issued.body.validUntil).toBe(`${new Date().getUTCFullYear() + 20}-${new Date().toISOString().slice(5, 10)}`);
    const got = await invoke('e-licence.get', { licenceId: issued.body.licenceId });
    expect(got.body).toMatchObject({
      typeName: '营业执照',
      holderName: company.name,
      holderIdMasked: `${company.id.slice(0, 6)}********${company.id.slice(-4)}`,
      issuerName: ISSUING_AUTHORITY,
      status: 'valid',
      data: issueInput.data,
      annotations: [],
    });
    expect(JSON.stringify(got.body)).not.toContain(company.id);
    expect((await invoke('e-licence.verify', { licenceId: issued.body.licenceId })).body).toMatchObject({
      valid: true,
      status: 'valid',
      checks: { identifierValid: true, sealSignatureValid: true },
    });
    expect(await eventually(() => index(issued.body.licenceId))).toMatchObject({ status: 'valid' });
    // The issue is a recorded use of the seal.
    const uses = await techSql(`SELECT outcome FROM S.seal_use WHERE seal_id = $1 AND purpose = 'e2e-licence'`, [issuer.sealId]);
    expect(uses.length).toBeGreaterThanOrEqual(1);
  });

  it('issues the licence as a document: a PDF in Chinese, sealed by the issuer, that OpenSSL and e-seal.verify accept', async () => {
    const issued = await invoke('e-licence.issue', issueInput);
    expect(issued.body.pdfSha256).toMatch(/^[0-9a-f]{64}$/);
    const doc = await invoke('e-licence.get-pdf', { licenceId: issued.body.licenceId });
    expect(doc.status).toBe(200);
    expect(doc.body).toMatchObject({ licenceId: issued.body.licenceId, sha256: issued.body.pdfSha256 });
    const pdf = Buffer.from(doc.body.pdf, 'base64');
    const text = await pdfText(pdf);
    for (const s of [
      '营业执照',
      company.name,
      company.id,
      '法定代表人',
      '李四',
      '经营范围',
      '餐饮服务',
      ISSUING_AUTHORITY,
      issued.body.number,
      issued.body.licenceId,
    ])
      expect(text).toContain(s);
    expect(opensslAccepts(pdf)).toBe(true);
    expect((await invoke('e-seal.verify', { pdf: doc.body.pdf })).body).toMatchObject({ valid: true, organisation: ISSUING_AUTHORITY });
    // The seal's certificate chains to the published platform seal CA: OpenSSL and pdfsig (NSS trusting the CA) accept it.
    const ca = Buffer.from(await (await fetch(`${tech.url}/pki/seal-ca.der`)).arrayBuffer());
    expect(opensslAccepts(pdf, [ca])).toBe(true);
    expect(pdfsigVerify(pdf, [ca])).toMatchObject({ signature: 'Signature is Valid.', certificate: 'Certificate is Trusted.' });
    // A changed byte of the document fails both checks.
    const tampered = Buffer.from(pdf);
    const at = tampered.indexOf('/Contents') - 40;
    tampered[at] = tampered[at] === 0x20 ? 0x0a : 0x20;
    expect(opensslAccepts(tampered)).toBe(false);
    expect((await invoke('e-seal.verify', { pdf: tampered.toString('base64') })).body.valid).toBe(false);
    // The issuer's own system read it: recorded as such in the holder's access log.
    const reads = await techSql(
      `SELECT basis, outcome FROM S.licence_access_log WHERE correlation_id IS NOT NULL AND purpose = 'e2e-licence' AND basis = 'issuer'`,
    );
    expect(reads.length).toBeGreaterThanOrEqual(1);
  });

  it('seals the demo companies’ licences with the issuing authority’s seal, never the holder’s own', async () => {
    const ca = {
      p256: Buffer.from(await (await fetch(`${tech.url}/pki/seal-ca.der`)).arrayBuffer()),
      sm2: Buffer.from(await (await fetch(`${tech.url}/pki/seal-ca-sm2.der`)).arrayBuffer()),
    };
    for (const holder of DEMO_COMPANIES) {
      const seeded = await techSql(
        `SELECT l.licence_id, s.organisation_name, s.organisation_code FROM S.licence l JOIN S.seal s ON s.id = l.seal_id WHERE l.type_code = $1 AND l.holder_name = $2`,
        [BUSINESS_LICENCE, holder.name],
      );
      expect(seeded.length).toBeGreaterThanOrEqual(1);
      for (const row of seeded) {
        expect({ organisation: row.organisation_name, code: row.organisation_code }).toEqual({
          organisation: ISSUING_AUTHORITY,
          code: issuer.code,
        });
        // The document: its signer certificate names the authority (not the holder) and chains to the platform seal CA.
        const doc = await invoke('e-licence.get-pdf', { licenceId: row.licence_id });
        expect(doc.status).toBe(200);
        const pdf = Buffer.from(doc.body.pdf, 'base64');
        const signer = new X509Certificate(verifyPdfSignature(pdf).certificate!);
        expect(signer.subject).toContain(`O=${ISSUING_AUTHORITY}`);
        expect(signer.subject).not.toContain(holder.name);
        expect(opensslVerifyCertificate(signer.raw, [ca.p256])).toBe(true);
        expect((await invoke('e-seal.verify', { pdf: doc.body.pdf })).body).toMatchObject({ valid: true, organisation: ISSUING_AUTHORITY });
        // The record: signed (GB/T 38540) by the authority's SM2 certificate, issued by the SM2 seal CA.
        const record = await invoke('e-licence.get', { licenceId: row.licence_id });
        expect(record.body).toMatchObject({ issuerName: ISSUING_AUTHORITY, holderName: holder.name });
        const sm2Signer = Buffer.from(AsnConvert.parse(Buffer.from(record.body.signature, 'base64'), SES_Signature).cert);
        expect(new X509Certificate(sm2Signer).subject).toContain(`O=${ISSUING_AUTHORITY}`);
        expect(opensslVerifyCertificate(sm2Signer, [ca.sm2], { sm2: true })).toBe(true);
        expect((await invoke('e-licence.verify', { licenceId: row.licence_id })).body).toMatchObject({ valid: true });
      }
    }
    // The holder's own seal (DEMO_SEAL) is the company's, for its own documents: it sealed none of these.
    expect(await techSql(`SELECT count(*)::int AS n FROM S.licence WHERE seal_id = $1`, [DEMO_SEAL.id])).toEqual([{ n: 0 }]);
  });

  it('lets only the holder’s authorisation, a legal basis or the issuer read a licence by identifier, and logs refusals', async () => {
    const { body } = await invoke('e-licence.issue', issueInput);
    const service = tech.app.get(LicenceLifecycleService);
    const stranger = {
      messageId: crypto.randomUUID(),
      correlationId: `e2e-stranger-${Date.now()}`,
      app: 'some-other-app',
      purpose: 'e2e-licence',
      sentAt: new Date().toISOString(),
    };
    for (const read of [
      () => service.get(stranger, body.licenceId),
      () => service.getPdf({ ...stranger, messageId: crypto.randomUUID() }, body.licenceId),
    ]) {
      const refused = await read().catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ProblemException);
      expect((refused as ProblemException).getStatus()).toBe(403);
    }
    expect(
      await techSql(`SELECT outcome, licence_count FROM S.licence_access_log WHERE correlation_id = $1`, [stranger.correlationId]),
    ).toEqual([
      { outcome: 'REFUSED', licence_count: 0 },
      { outcome: 'REFUSED', licence_count: 0 },
    ]);
    const withBasis = await service.get({ ...stranger, messageId: crypto.randomUUID(), legalBasis: TEST_LEGAL_BASIS }, body.licenceId);
    expect(withBasis.holderName).toBe(company.name);
    expect(
      await techSql(`SELECT outcome, basis, legal_basis FROM S.licence_access_log WHERE correlation_id = $1 AND outcome = 'READ'`, [
        stranger.correlationId,
      ]),
    ).toEqual([{ outcome: 'READ', basis: 'legal-basis', legal_basis: TEST_LEGAL_BASIS }]);
    // Through dispatch without a legal basis: demo-portal may use the issuing seal, so it reads as the issuer.
    expect(
      (
        await post(
          `${dispatch.url}/v1/capabilities/e-licence.get/invoke`,
          { licenceId: body.licenceId },
          { 'x-legal-basis': '', 'x-purpose': 'e2e-licence' },
        )
      ).status,
    ).toBe(200);
    expect(
      (await invoke('e-licence.get-pdf', { licenceId: '1.2.156.3005.2.11100000000013338W041.91320100MA1XK2Q84P.1.001.0' })).status,
    ).toBe(404);
    expect((await invoke('e-licence.get-pdf', { licenceId: 'nope' })).status).toBe(400);
  });

  it('annotates (加注) and revokes (注销); verification and the index follow', async () => {
    const { body } = await invoke('e-licence.issue', issueInput);
    const annotated = await invoke('e-licence.change', {
      licenceId: body.licenceId,
      action: 'annotate',
      text: '经营范围变更为：餐饮服务、食品销售',
    });
    expect(annotated.body).toEqual({ licenceId: body.licenceId, status: 'valid', annotations: 1 });
    expect((await invoke('e-licence.get', { licenceId: body.licenceId })).body.annotations).toEqual([
      expect.objectContaining({ text: '经营范围变更为：餐饮服务、食品销售', by: 'demo-portal' }),
    ]);
    expect((await invoke('e-licence.verify', { licenceId: body.licenceId })).body.valid).toBe(true);
    const revoked = await invoke('e-licence.change', { licenceId: body.licenceId, action: 'revoke', text: '企业注销登记' });
    expect(revoked.body.status).toBe('revoked');
    expect((await invoke('e-licence.verify', { licenceId: body.licenceId })).body).toMatchObject({ valid: false, reason: 'REVOKED' });
    expect(await eventually(async () => ((await index(body.licenceId))?.status === 'revoked' ? true : null))).toBe(true);
    expect((await invoke('e-licence.change', { licenceId: body.licenceId, action: 'revoke', text: 'again' })).status).toBe(409);
  });

  it('finds a changed record and an expired licence', async () => {
    const { body } = await invoke('e-licence.issue', issueInput);
    await techSql(`UPDATE S.licence SET data = jsonb_set(data, '{registeredCapital}', '"500万元"') WHERE licence_id = $1`, [
      body.licenceId,
    ]);
    expect((await invoke('e-licence.verify', { licenceId: body.licenceId })).body).toMatchObject({
      valid: false,
      reason: 'RECORD_CHANGED',
    });
    const other = (await invoke('e-licence.issue', issueInput)).body;
    await techSql(`UPDATE S.licence SET valid_until = current_date - 1 WHERE licence_id = $1`, [other.licenceId]);
    expect((await invoke('e-licence.verify', { licenceId: other.licenceId })).body).toMatchObject({
      valid: false,
      status: 'expired',
      reason: 'EXPIRED',
    });
    expect((await invoke('e-licence.get', { licenceId: other.licenceId })).body.status).toBe('expired');
    // The expiry sweep marks it and tells the data platform, once.
    const sweeper = tech.app.get(LicenceLifecycleService);
    expect(await sweeper.expireDue()).toBeGreaterThanOrEqual(1);
    expect(await sweeper.expireDue()).toBe(0);
    expect(await eventually(async () => ((await index(other.licenceId))?.status === 'expired' ? true : null))).toBe(true);
  });

  it('works through the typed client library integrators import', async () => {
    const client = new ELicenceClient(
      new DispatchClient({ baseUrl: dispatch.url, credentials: { appKey: 'demo-portal', secret: 'demo-portal-secret' } }),
    );
    const issued = await client.issue({ ...issueInput, holderType: 'company' }, { purpose: '设立登记' });
    expect((await client.verify({ licenceId: issued.licenceId })).valid).toBe(true);
    expect((await client.getPdf({ licenceId: issued.licenceId })).sha256).toBe(issued.pdfSha256);
    const held = await client.byHolder({ holderType: 'company', holderId: company.id }, { legalBasis: 'demo.market-entity-registration' });
    expect(held.licences.map((l) => l.licenceId)).toContain(issued.licenceId);
    const refused = await client.byHolder({ holderType: 'company', holderId: company.id }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DispatchError);
    expect((refused as DispatchError).status).toBe(403);
    const bad = await client.issue({ ...issueInput, holderType: 'company', data: {} }).catch((e: unknown) => e);
    expect((bad as DispatchError).status).toBe(422);
  });

  it('refuses bad issues and changes with reasons: schema, type, holder, seal grant, identifiers', async () => {
    const registered = await post(
      `${tech.url}/internal/v1/seals`,
      {
        organisationCode: company.id,
        organisationName: company.name,
        name: `${company.name} 证照专用章`,
        type: 'approval',
        validYears: 1,
        grantees: [],
      },
      { 'x-internal-token': TEST_INTERNAL_API_TOKEN },
    );
    const cases: [string, unknown, number, RegExp][] = [
      ['e-licence.issue', { ...issueInput, data: { legalRepresentative: '李四' } }, 422, /registeredCapital/],
      ['e-licence.issue', { ...issueInput, data: { ...issueInput.data, extra: 'x' } }, 422, /extra/],
      ['e-licence.issue', { ...issueInput, typeCode: '11100000000013338W999' }, 422, /unknown licence type/],
      ['e-licence.issue', { ...issueInput, holderType: 'person', holderId: '11010519491231002X' }, 422, /company/],
      ['e-licence.issue', { ...issueInput, holderId: `${company.id.slice(0, 17)}${company.id[17] === '0' ? '1' : '0'}` }, 400, /holderId/],
      ['e-licence.issue', { ...issueInput, validUntil: '2020-01-01' }, 422, /validUntil/],
      ['e-licence.issue', { ...issueInput, sealId: registered.body.id }, 403, /SEAL_NOT_GRANTED/],
      ['e-licence.get', { licenceId: '1.2.156.3005.2.11100000000013338W041.91320100MA1XK2Q84P.1.001.0' }, 404, /not found/],
      ['e-licence.get', { licenceId: 'not-an-identifier' }, 400, /licenceId/],
      ['e-licence.change', { licenceId: 'not-an-identifier', action: 'revoke', text: 'x' }, 400, /licenceId/],
      [
        'e-licence.change',
        { licenceId: '1.2.156.3005.2.11100000000013338W041.91320100MA1XK2Q84P.1.001.0', action: 'delete', text: 'x' },
        400,
        /action/,
      ],
    ];
    for (const [code, input, status, reason] of cases) {
      const r = await invoke(code, input);
      expect({ code, input, status: r.status }).toEqual({ code, input, status });
      expect(JSON.stringify(r.body)).toMatch(reason);
    }
  });
});
