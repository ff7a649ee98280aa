import { createPrivateKey } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import { createPadesCa, createPadesKey, preparePicture, sealPdf } from './pdf-seal.js';
import { makeSealPng } from './seal-picture.js';
import {
  opensslCmsVerify,
  opensslVerifyCertificate,
  opensslVerifySm2,
  pdfsigVerify,
  runTool,
  VerifierToolError,
} from './verifier-tools.js';

const MISSING = '/nonexistent/gmp-no-such-tool';
const year = (n: number) => new Date(Date.now() + n * 365 * 86_400_000);

/** The independent verifiers answer false only for a genuine verification failure; a missing or failing tool throws. */
describe('verifier tools', () => {
  let ca: { pkcs8: Buffer; certificate: Buffer };
  let sealed: Buffer;

  beforeAll(async () => {
    ca = await createPadesCa({ commonName: 'Test CA', organisation: 'Test', notAfter: year(2) });
    const made = await createPadesKey({ commonName: 'Seal', organisation: 'Org', notAfter: year(1), issuer: ca });
    const doc = await PDFDocument.create();
    doc.addPage();
    sealed = await sealPdf(Buffer.from(await doc.save()), {
      key: { privateKey: createPrivateKey({ key: made.pkcs8, format: 'der', type: 'pkcs8' }), certificate: made.certificate },
      picture: await preparePicture(makeSealPng(32)),
      sealName: 'Seal',
      organisation: 'Org',
    });
  });

  it('throws when a tool is not installed — never answers false', () => {
    expect(() => runTool(MISSING, ['version'])).toThrow(VerifierToolError);
    expect(() => runTool(MISSING, ['version'])).toThrow(/未安装 \(not installed/);
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 200]! ^= 1;
    // Each of these would be `false` with the tool present; with it missing they must not pass as a failed verification.
    expect(() => opensslCmsVerify(tampered, { tools: { openssl: MISSING } })).toThrow(VerifierToolError);
    expect(() => opensslCmsVerify(Buffer.from('%PDF-1.4 nothing signed'), { tools: { openssl: MISSING } })).toThrow(VerifierToolError);
    expect(() => opensslVerifyCertificate(ca.certificate, [], { tools: { openssl: MISSING } })).toThrow(VerifierToolError);
    expect(() => opensslVerifySm2(Buffer.from('x'), Buffer.from('y'), `04${'11'.repeat(64)}`, { tools: { openssl: MISSING } })).toThrow(
      VerifierToolError,
    );
    expect(() => pdfsigVerify(sealed, [ca.certificate], { tools: { pdfsig: MISSING } })).toThrow(/not installed/);
    expect(() => pdfsigVerify(sealed, [ca.certificate], { tools: { certutil: MISSING } })).toThrow(/not installed/);
  });

  it('throws on an unexpected tool error (bad input, not a verification verdict)', () => {
    expect(() => opensslVerifyCertificate(Buffer.from('not a certificate'), [ca.certificate])).toThrow(/failed unexpectedly/);
    expect(() => opensslVerifySm2(Buffer.from('x'), Buffer.from('y'), `04${'11'.repeat(64)}`)).toThrow(/failed unexpectedly/);
    expect(() => pdfsigVerify(Buffer.from('%PDF-1.4 nothing signed'), [ca.certificate])).toThrow(/failed unexpectedly/);
  });

  it('answers true for a good signature and false for a genuine failure', () => {
    expect(opensslCmsVerify(sealed)).toBe(true);
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 200]! ^= 1;
    expect(opensslCmsVerify(tampered)).toBe(false);
    expect(opensslVerifyCertificate(ca.certificate, [ca.certificate])).toBe(true);
  });
});
