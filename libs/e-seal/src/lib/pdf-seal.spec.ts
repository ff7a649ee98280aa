import { createPrivateKey, X509Certificate } from 'node:crypto';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { makeSealPng } from './seal-picture.js';
import { createPadesCa, createPadesKey, isSelfSigned, PdfSealError, preparePicture, sealPdf, verifyPdfSignature } from './pdf-seal.js';
import { opensslCmsVerify, opensslVerifyCertificate, pdfsigVerify, runTool } from './verifier-tools.js';

async function onePage(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595.28, 841.89]);
  page.drawText('Business licence record 1001', { x: 72, y: 760, size: 18, font: await doc.embedFont(StandardFonts.Helvetica) });
  return Buffer.from(await doc.save());
}

/** What `openssl cms -verify` says of the last signature (an implementation that shares nothing with ours); a missing openssl throws. */
const openssl = (pdf: Buffer) => opensslCmsVerify(pdf);

describe('PDF sealing (visible seal + PAdES signature)', () => {
  let key: { privateKey: ReturnType<typeof createPrivateKey>; certificate: Buffer };
  let picture: Awaited<ReturnType<typeof preparePicture>>;

  beforeAll(async () => {
    const made = await createPadesKey({
      commonName: '南京示例科技有限公司 公章',
      organisation: '南京示例科技有限公司',
      notAfter: new Date(Date.now() + 365 * 86_400_000),
    });
    key = { privateKey: createPrivateKey({ key: made.pkcs8, format: 'der', type: 'pkcs8' }), certificate: made.certificate };
    picture = await preparePicture(makeSealPng(128));
  });

  it('seals a one-page PDF so that OpenSSL and our verifier accept it, with the seal picture on the page', async () => {
    const sealed = await sealPdf(await onePage(), {
      key,
      picture,
      sealName: '南京示例科技有限公司 公章',
      organisation: '南京示例科技有限公司',
    });
    expect(openssl(sealed)).toBe(true);
    const check = verifyPdfSignature(sealed);
    expect(check).toMatchObject({
      signatureValid: true,
      coversWholeDocument: true,
      signedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    expect(check.certificate!.equals(key.certificate)).toBe(true);
    expect(check.chain).toEqual([]);
    const text = sealed.toString('latin1');
    expect(text).toContain('/SubFilter /ETSI.CAdES.detached');
    expect(text).toMatch(/\/Subtype \/Image/);
    expect((await PDFDocument.load(sealed)).getPageCount()).toBe(1);
  });

  it('fails verification after any change: a flipped byte, or bytes appended after signing', async () => {
    const sealed = await sealPdf(await onePage(), { key, picture, sealName: '公章', organisation: '单位' });
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 200]! ^= 1;
    expect(openssl(flipped)).toBe(false);
    expect(verifyPdfSignature(flipped).signatureValid).toBe(false);
    const appended = Buffer.concat([sealed, Buffer.from('\n% appended\n')]);
    expect(verifyPdfSignature(appended)).toMatchObject({ signatureValid: true, coversWholeDocument: false });
    expect(verifyPdfSignature(Buffer.from('%PDF-1.4 nothing signed')).signatureValid).toBe(false);
  });

  it('refuses what is not a PDF, and a page that does not exist', async () => {
    await expect(sealPdf(Buffer.from('hello'), { key, picture, sealName: 'x', organisation: 'y' })).rejects.toThrow(PdfSealError);
    await expect(sealPdf(await onePage(), { key, picture, sealName: 'x', organisation: 'y', placement: { page: 3 } })).rejects.toThrow(
      /第 4 页/,
    );
  });
});

describe('seal certificates issued by the platform seal CA', () => {
  const year = (n: number) => new Date(Date.now() + n * 365 * 86_400_000);
  let ca: { pkcs8: Buffer; certificate: Buffer };
  let otherCa: { pkcs8: Buffer; certificate: Buffer };
  let seal: { pkcs8: Buffer; certificate: Buffer };
  let sealed: Buffer;

  beforeAll(async () => {
    ca = await createPadesCa({
      commonName: '政务中台电子印章 CA (platform seal CA)',
      organisation: '政务中台 (government middle platform)',
      notAfter: year(20),
    });
    otherCa = await createPadesCa({ commonName: '别的 CA (another CA)', organisation: '别的单位', notAfter: year(20) });
    seal = await createPadesKey({
      commonName: '江苏省市场监督管理局 公章',
      organisation: '江苏省市场监督管理局',
      notAfter: year(5),
      issuer: ca,
    });
    const key = {
      privateKey: createPrivateKey({ key: seal.pkcs8, format: 'der', type: 'pkcs8' }),
      certificate: seal.certificate,
      chain: [ca.certificate],
    };
    sealed = await sealPdf(await onePage(), {
      key,
      picture: await preparePicture(makeSealPng(64)),
      sealName: '江苏省市场监督管理局 公章',
      organisation: '江苏省市场监督管理局',
    });
  });

  it('issues a CA certificate and seal certificates under it: issuer, basic constraints, key usage, key identifiers', () => {
    const caCert = new X509Certificate(ca.certificate);
    const cert = new X509Certificate(seal.certificate);
    expect(caCert.ca).toBe(true);
    expect(isSelfSigned(ca.certificate)).toBe(true);
    expect(cert.ca).toBe(false);
    expect(isSelfSigned(seal.certificate)).toBe(false);
    expect(cert.issuer).toBe(caCert.subject);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.keyUsage ?? []).toEqual([]); // Node lists extended key usages only: there are none (any use)
    expect(new Date(cert.validTo).getTime()).toBeLessThanOrEqual(new Date(caCert.validTo).getTime());
    const shown = opensslText(seal.certificate);
    expect(shown).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(shown).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Non Repudiation/);
    const caKeyId = /X509v3 Subject Key Identifier:\s+([0-9A-F:]+)/.exec(opensslText(ca.certificate))![1];
    expect(shown).toMatch(new RegExp(`X509v3 Authority Key Identifier:\\s+(keyid:)?${caKeyId}`));
    expect(opensslText(ca.certificate)).toMatch(
      /X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0[\s\S]*X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign/,
    );
  });

  it('OpenSSL verifies the seal certificate against the CA, and not against another CA', () => {
    expect(opensslVerifyCertificate(seal.certificate, [ca.certificate])).toBe(true);
    expect(opensslVerifyCertificate(seal.certificate, [otherCa.certificate])).toBe(false);
  });

  it('the sealed PDF carries the chain: OpenSSL verifies the CMS signature to the CA, and not to another CA', () => {
    const check = verifyPdfSignature(sealed);
    expect(check).toMatchObject({ signatureValid: true, coversWholeDocument: true });
    expect(check.certificate!.equals(seal.certificate)).toBe(true);
    expect(check.chain.map((c) => c.toString('hex'))).toEqual([ca.certificate.toString('hex')]);
    expect(opensslCmsVerify(sealed, { trusted: [ca.certificate] })).toBe(true);
    expect(opensslCmsVerify(sealed, { trusted: [otherCa.certificate] })).toBe(false);
  });

  it('pdfsig (poppler over NSS) reports the signature valid and the certificate trusted when the CA is trusted, its issuer untrusted otherwise', () => {
    const trusted = pdfsigVerify(sealed, [ca.certificate]);
    expect({ signature: trusted.signature, certificate: trusted.certificate }).toEqual({
      signature: 'Signature is Valid.',
      certificate: 'Certificate is Trusted.',
    });
    const untrusted = pdfsigVerify(sealed, [otherCa.certificate]);
    expect(untrusted.signatureValid).toBe(true);
    expect(untrusted.certificateTrusted).toBe(false);
    expect(untrusted.certificate).toBe("Certificate issuer isn't Trusted."); // the CA came with the signature, but nothing trusts it
  });
});

function opensslText(der: Buffer): string {
  const r = runTool('openssl', ['x509', '-inform', 'DER', '-noout', '-text'], { input: der });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}
