import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { DataSource } from 'typeorm';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  createPadesCa,
  createPadesKey,
  ESealClient,
  makeSealPng,
  opensslVerifyCertificate,
  pdfsigVerify,
  preparePicture,
  sealPdf,
  SES_Signature,
  verifyPdfSignature,
} from '@gmp/e-seal';
import type { CryptoProvider } from '@gmp/gm-crypto';
import { DispatchClient } from '@gmp/dispatch-client';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { DEMO_COMPANIES, DEMO_SEAL, techCapabilitiesService } from '@gmp/feature-tech';
import { CRYPTO_PROVIDER, type RunningService, startService } from '@gmp/service-kit';
import { inOwnSchema, integrationEnv, TEST_INTERNAL_API_TOKEN } from '@gmp/testing';
import { post } from './dispatch-client.js';
import { opensslAccepts } from './pdf-checks.js';

async function onePage(text: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([595.28, 841.89]).drawText(text, { x: 72, y: 760, size: 18, font: await doc.embedFont(StandardFonts.Helvetica) });
  return Buffer.from(await doc.save());
}

/** Electronic seals through dispatch over Kafka, on real PostgreSQL. */
describe('e-seal: sealing and verifying through dispatch', () => {
  let tech: RunningService;
  let dispatch: RunningService;
  const invoke = (code: string, input: unknown) =>
    post(`${dispatch.url}/v1/capabilities/${code}/invoke`, input, { 'x-purpose': 'e2e-seal' });
  const internal = (path: string, body: unknown) =>
    post(`${tech.url}/internal/v1/seals${path}`, body, { 'x-internal-token': TEST_INTERNAL_API_TOKEN, 'x-caller': 'seal-authority' });
  const sql = (q: string, params: unknown[] = []) =>
    tech.app.get(DataSource).query(q.replaceAll('S.', `"${tech.definition.schema}".`), params);
  const record = Buffer.from('{"licence":"营业执照","holder":"南京示例科技有限公司"}').toString('base64');

  beforeAll(async () => {
    tech = await startService(inOwnSchema(techCapabilitiesService), integrationEnv());
    dispatch = await startService(inOwnSchema(serviceDispatchService), integrationEnv());
  }, 120_000);

  afterAll(async () => {
    await dispatch?.close();
    await tech?.close();
  });

  /** The platform seal CA's certificates as published (no credentials). */
  const published = async () => {
    const get = async (path: string) => {
      const res = await fetch(`${tech.url}${path}`);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      return { type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
    };
    const [pem, der, sm2Pem, sm2Der] = await Promise.all(
      ['/pki/seal-ca.pem', '/pki/seal-ca.der', '/pki/seal-ca-sm2.pem', '/pki/seal-ca-sm2.der'].map(get),
    );
    return { pem: pem!, der: der!, sm2Pem: sm2Pem!, sm2Der: sm2Der! };
  };

  it('publishes the platform seal CA (PEM and DER, no credentials); sealed PDFs carry the chain, which OpenSSL and pdfsig (NSS trusting the CA) accept', async () => {
    const ca = await published();
    expect(ca.pem.type).toBe('application/x-pem-file');
    expect(ca.der.type).toBe('application/pkix-cert');
    expect(new X509Certificate(ca.pem.body).raw.equals(ca.der.body)).toBe(true);
    expect(new X509Certificate(ca.sm2Pem.body).raw.equals(ca.sm2Der.body)).toBe(true);
    const caCert = new X509Certificate(ca.der.body);
    expect({ ca: caCert.ca, subject: caCert.subject }).toEqual({
      ca: true,
      subject: expect.stringContaining('CN=政务中台电子印章 CA (platform seal CA) ECDSA P-256'),
    });

    const sealed = await invoke('e-seal.seal-pdf', { sealId: DEMO_SEAL.id, pdf: (await onePage('Chained 2026-11-22')).toString('base64') });
    const pdf = Buffer.from(sealed.body.pdf, 'base64');
    const check = verifyPdfSignature(pdf);
    expect(check.chain.map((c) => c.toString('hex'))).toEqual([ca.der.body.toString('hex')]);
    const cert = new X509Certificate(check.certificate!);
    expect(cert.subject).toContain(DEMO_SEAL.name);
    expect(cert.issuer).toBe(caCert.subject);
    expect(opensslVerifyCertificate(check.certificate!, [ca.der.body])).toBe(true);
    expect(opensslAccepts(pdf, [ca.der.body])).toBe(true);
    const other = await createPadesCa({ commonName: 'Another CA', organisation: 'Elsewhere', notAfter: new Date(Date.now() + 86_400_000) });
    expect(opensslAccepts(pdf, [other.certificate])).toBe(false);
    expect(pdfsigVerify(pdf, [ca.der.body])).toMatchObject({ signature: 'Signature is Valid.', certificate: 'Certificate is Trusted.' });
    expect(pdfsigVerify(pdf, [])).toMatchObject({ signatureValid: true, certificateTrusted: false });

    // The SM2 certificate of the seal (in its GB/T 38540 signatures) chains to the SM2 CA.
    const signed = await invoke('e-seal.sign-data', { sealId: DEMO_SEAL.id, data: record });
    const sm2Cert = Buffer.from(AsnConvert.parse(Buffer.from(signed.body.signature, 'base64'), SES_Signature).cert);
    expect(opensslVerifyCertificate(sm2Cert, [ca.sm2Der.body], { sm2: true })).toBe(true);
    expect(opensslVerifyCertificate(sm2Cert, [ca.der.body], { sm2: true })).toBe(false);

    // The admin view says who issued the PDF certificate.
    const shown = await fetch(`${tech.url}/internal/v1/seals/${DEMO_SEAL.id}`, {
      headers: { 'x-internal-token': TEST_INTERNAL_API_TOKEN },
    });
    expect(((await shown.json()) as { pdfCertificateIssuer: string | null }).pdfCertificateIssuer).toBe('seal-ca-p256');
  });

  it('a seal from before the CA (self-signed PDF certificate) keeps sealing and verifying, without a chain', async () => {
    const company = DEMO_COMPANIES[1];
    const registered = await internal('', {
      organisationCode: company.id,
      organisationName: company.name,
      name: `${company.name} 旧章`,
      type: 'official',
      validYears: 1,
      grantees: ['demo-portal'],
    });
    const sealId = registered.body.id as string;
    // Make it what a seal registered before the CA is: a self-signed certificate, no issuer recorded.
    const legacy = await createPadesKey({
      commonName: `${company.name} 旧章`,
      organisation: company.name,
      notAfter: new Date(Date.now() + 365 * 86_400_000),
    });
    const crypto = tech.app.get<CryptoProvider>(CRYPTO_PROVIDER);
    await sql(`UPDATE S.seal SET pades_certificate = $2, pades_fingerprint = $3, pades_key_enc = $4, pades_issuer = NULL WHERE id = $1`, [
      sealId,
      legacy.certificate,
      createHash('sha256').update(legacy.certificate).digest('hex'),
      crypto.encrypt('seal-key', legacy.pkcs8, sealId),
    ]);
    const sealed = await invoke('e-seal.seal-pdf', { sealId, pdf: (await onePage('Legacy seal')).toString('base64') });
    expect(sealed.status).toBe(200);
    const pdf = Buffer.from(sealed.body.pdf, 'base64');
    expect(verifyPdfSignature(pdf)).toMatchObject({ signatureValid: true, chain: [] });
    expect(verifyPdfSignature(pdf).certificate!.equals(legacy.certificate)).toBe(true);
    expect(opensslAccepts(pdf)).toBe(true);
    expect((await invoke('e-seal.verify', { pdf: sealed.body.pdf })).body).toMatchObject({ valid: true, checks: { useRecorded: true } });
    expect(opensslAccepts(pdf, [(await published()).der.body])).toBe(false); // no chain to the CA: it is listed, not re-certified
    const shown = await fetch(`${tech.url}/internal/v1/seals/${sealId}`, { headers: { 'x-internal-token': TEST_INTERNAL_API_TOKEN } });
    expect(((await shown.json()) as { pdfCertificateIssuer: string | null }).pdfCertificateIssuer).toBeNull();
  });

  it('signs data with a granted seal and verifies it; a changed record fails', async () => {
    const signed = await invoke('e-seal.sign-data', { sealId: DEMO_SEAL.id, data: record, propertyInfo: 'licence-record' });
    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({ esID: expect.stringMatching(/^\d{14}$/), signedAt: expect.any(String) });
    const ok = await invoke('e-seal.verify', { signature: signed.body.signature, data: record });
    expect(ok.body).toMatchObject({
      valid: true,
      sealName: DEMO_SEAL.name,
      organisation: DEMO_COMPANIES[0].name,
      checks: { sealSignature: true, signerInSeal: true, makerTrusted: true, notRevokedAtSigning: true, useRecorded: true },
    });
    const changed = await invoke('e-seal.verify', {
      signature: signed.body.signature,
      data: Buffer.from('{"licence":"营业执照","holder":"别的公司"}').toString('base64'),
    });
    expect(changed.body).toMatchObject({ valid: false, reason: 'DOCUMENT_CHANGED' });
  });

  it('seals a PDF that OpenSSL verifies on its own; a changed byte fails, a foreign seal is unknown', async () => {
    const sealed = await invoke('e-seal.seal-pdf', {
      sealId: DEMO_SEAL.id,
      pdf: (await onePage('Contract 2026-11-22')).toString('base64'),
    });
    expect(sealed.status).toBe(200);
    const pdf = Buffer.from(sealed.body.pdf, 'base64');
    expect(opensslAccepts(pdf)).toBe(true);
    expect(pdf.toString('latin1')).toMatch(/\/Subtype \/Image/);
    expect((await invoke('e-seal.verify', { pdf: sealed.body.pdf })).body).toMatchObject({
      valid: true,
      sealName: DEMO_SEAL.name,
      checks: { useRecorded: true },
    });
    const tampered = Buffer.from(pdf);
    tampered[tampered.length - 300]! ^= 1;
    expect(opensslAccepts(tampered)).toBe(false);
    expect((await invoke('e-seal.verify', { pdf: tampered.toString('base64') })).body).toMatchObject({
      valid: false,
      reason: 'SIGNATURE_INVALID',
    });
    const made = await createPadesKey({
      commonName: DEMO_SEAL.name,
      organisation: DEMO_COMPANIES[0].name,
      notAfter: new Date(Date.now() + 86_400_000),
    });
    const forged = await sealPdf(await onePage('Forged'), {
      key: { privateKey: createPrivateKey({ key: made.pkcs8, format: 'der', type: 'pkcs8' }), certificate: made.certificate },
      picture: await preparePicture(makeSealPng(64)),
      sealName: DEMO_SEAL.name,
      organisation: DEMO_COMPANIES[0].name,
    });
    expect(opensslAccepts(forged)).toBe(true); // cryptographically fine …
    expect((await invoke('e-seal.verify', { pdf: forged.toString('base64') })).body).toMatchObject({
      valid: false,
      reason: 'UNKNOWN_SEAL',
    }); // … but not our seal
  });

  it('refuses apps without a grant, and a revoked or expired seal, logging each refusal; verification follows the registry', async () => {
    const company = DEMO_COMPANIES[1];
    const registered = await internal('', {
      organisationCode: company.id,
      organisationName: company.name,
      name: `${company.name} 合同专用章`,
      type: 'contract',
      validYears: 2,
      grantees: [],
    });
    expect(registered.status).toBe(201);
    const sealId = registered.body.id;
    const refused = await invoke('e-seal.sign-data', { sealId, data: record });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('SEAL_NOT_GRANTED');
    expect((await internal(`/${sealId}/grants`, { grantee: 'demo-portal' })).status).toBe(204);
    const signed = await invoke('e-seal.sign-data', { sealId, data: record });
    expect(signed.status).toBe(200);
    const pdf = await invoke('e-seal.seal-pdf', {
      sealId,
      pdf: (await onePage('Contract B')).toString('base64'),
      page: 0,
      x: 100,
      y: 100,
      size: 90,
    });
    expect(pdf.status).toBe(200);

    // Expired: the registry says the seal ended before these signatures.
    await sql(`UPDATE S.seal SET valid_to = now() - interval '1 day' WHERE id = $1`, [sealId]);
    expect((await invoke('e-seal.verify', { signature: signed.body.signature, data: record })).body).toMatchObject({
      valid: false,
      reason: 'SEAL_EXPIRED',
    });
    expect(JSON.stringify((await invoke('e-seal.sign-data', { sealId, data: record })).body)).toContain('SEAL_EXPIRED');
    await sql(`UPDATE S.seal SET valid_to = now() + interval '1 year' WHERE id = $1`, [sealId]);

    // Revoked from before the signatures (a key compromised earlier): they fail; later uses are refused.
    expect(
      (
        await internal(`/${sealId}/revoke`, {
          reason: '印章密钥泄露 (key compromised)',
          effectiveFrom: new Date(Date.now() - 3_600_000).toISOString(),
        })
      ).status,
    ).toBe(204);
    expect((await invoke('e-seal.verify', { signature: signed.body.signature, data: record })).body).toMatchObject({
      valid: false,
      reason: 'SEAL_REVOKED',
    });
    expect((await invoke('e-seal.verify', { pdf: pdf.body.pdf })).body).toMatchObject({ valid: false, reason: 'SEAL_REVOKED' });
    const afterRevoke = await invoke('e-seal.seal-pdf', { sealId, pdf: (await onePage('Contract C')).toString('base64') });
    expect(afterRevoke.status).toBe(403);
    expect(JSON.stringify(afterRevoke.body)).toContain('SEAL_REVOKED');

    const uses = await sql(`SELECT outcome, reason, app, purpose FROM S.seal_use WHERE seal_id = $1 ORDER BY at`, [sealId]);
    expect(uses.map((u: { outcome: string; reason: string | null }) => `${u.outcome}:${u.reason ?? ''}`)).toEqual([
      'REFUSED:SEAL_NOT_GRANTED',
      'SIGNED:',
      'SIGNED:',
      'REFUSED:SEAL_EXPIRED',
      'REFUSED:SEAL_REVOKED',
    ]);
    expect(uses.every((u: { app: string; purpose: string }) => u.app === 'demo-portal' && u.purpose === 'e2e-seal')).toBe(true);
  });

  it('works through the typed client library integrators import', async () => {
    const client = new ESealClient(
      new DispatchClient({ baseUrl: dispatch.url, credentials: { appKey: 'demo-portal', secret: 'demo-portal-secret' } }),
    );
    const sealed = await client.sealPdf(
      { sealId: DEMO_SEAL.id, pdf: (await onePage('Client call')).toString('base64') },
      { purpose: '合同盖章' },
    );
    expect(opensslAccepts(Buffer.from(sealed.pdf, 'base64'))).toBe(true);
    expect((await client.verify({ pdf: sealed.pdf })).valid).toBe(true);
  });

  it('answers bad input with clear refusals', async () => {
    const cases: [string, unknown, number, RegExp][] = [
      ['e-seal.sign-data', { sealId: '00000000-0000-4000-8000-000000000000', data: record }, 404, /not found/],
      ['e-seal.sign-data', { sealId: DEMO_SEAL.id, data: '***not base64***' }, 400, /data/],
      ['e-seal.sign-data', { sealId: 'x', data: record }, 400, /sealId/],
      ['e-seal.seal-pdf', { sealId: DEMO_SEAL.id, pdf: Buffer.from('not a pdf at all').toString('base64') }, 422, /PDF/],
      ['e-seal.seal-pdf', { sealId: DEMO_SEAL.id, pdf: 'A'.repeat(600_004) }, 400, /pdf/],
      ['e-seal.verify', { pdf: record, signature: record, data: record }, 422, /give pdf/],
      ['e-seal.verify', {}, 422, /give pdf/],
    ];
    for (const [code, input, status, reason] of cases) {
      const r = await invoke(code, input);
      expect({ code, status: r.status }).toEqual({ code, status });
      expect(JSON.stringify(r.body)).toMatch(reason);
    }
    const unknownHere = await fetch(`${tech.url}/internal/v1/seals/00000000-0000-4000-8000-000000000000`, {
      headers: { 'x-internal-token': TEST_INTERNAL_API_TOKEN },
    });
    expect({ status: unknownHere.status, code: ((await unknownHere.json()) as { code: string }).code }).toEqual({
      status: 404,
      code: 'UNKNOWN_SEAL',
    });
    const garbage = await invoke('e-seal.verify', { signature: record, data: record });
    expect(garbage.body).toMatchObject({ valid: false, reason: 'SIGNATURE_INVALID' });
    expect((await invoke('e-seal.verify', { pdf: record })).body).toMatchObject({ valid: false });
  });
});
