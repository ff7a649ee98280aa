import { AsnConvert } from '@peculiar/asn1-schema';
import { SoftwareCryptoProvider } from '@gmp/gm-crypto';
import { SES_Signature, SESeal } from './ses.asn1.js';
import { makeSeal, signWithSeal, verifySesSignature } from './ses.js';
import { makeSealPng } from './seal-picture.js';
import { issueSm2Certificate, providerSigner, readSm2Certificate, sm2Name } from './sm2-certificate.js';
import { opensslVerifyCertificate, opensslVerifySm2, runTool } from './verifier-tools.js';

const crypto = new SoftwareCryptoProvider(Buffer.alloc(32, 3));
const year = (n: number) => new Date(Date.now() + n * 365 * 86_400_000);

function fixture(validEnd = year(1)) {
  const root = crypto.generateSm2KeyPair();
  const rootSigner = providerSigner(crypto, root);
  const rootName = sm2Name('政务中台电子印章制章系统', '江苏省政务服务管理办公室');
  const rootCert = issueSm2Certificate({
    subject: rootName,
    publicKey: root.publicKey,
    issuer: { name: rootName, signer: rootSigner },
    ca: true,
    notAfter: year(10),
  });
  const signerKey = crypto.generateSm2KeyPair();
  const signerCert = issueSm2Certificate({
    subject: sm2Name('南京示例科技有限公司 公章', '南京示例科技有限公司'),
    publicKey: signerKey.publicKey,
    issuer: { name: rootName, signer: rootSigner },
    notAfter: year(2),
  });
  const seal = makeSeal(
    {
      esID: '32010000000001',
      name: '南京示例科技有限公司',
      type: 'official',
      png: makeSealPng(64),
      signerCertificates: [signerCert],
      validStart: new Date(Date.now() - 60_000),
      validEnd,
    },
    { certificate: rootCert, signer: rootSigner },
  );
  return { root, rootCert, signerKey, signerCert, seal, signer: providerSigner(crypto, signerKey) };
}

describe('GB/T 38540 electronic seal and signature (SM2 with SM3)', () => {
  const f = fixture();
  const record = Buffer.from(
    JSON.stringify({
      licence: '1.2.156.3005.2.11100000000013338W041.91320100MA1XK2Q84P.1001.001.J',
      holder: '南京示例科技有限公司',
    }).padEnd(1024, ' '),
  );

  it('builds a v4 seal and a signature that decode to the structure of the standard, byte for byte', () => {
    const signature = signWithSeal({
      seal: f.seal,
      data: record,
      propertyInfo: 'licence-record',
      signer: f.signer,
      signerCertificate: f.signerCert,
    });
    const parsed = AsnConvert.parse(signature, SES_Signature);
    expect(parsed.toSign.version).toBe(4);
    expect(Buffer.from(parsed.toSign.eseal).equals(f.seal)).toBe(true);
    expect(Buffer.from(AsnConvert.serialize(parsed)).equals(signature)).toBe(true);
    const seal = AsnConvert.parse(f.seal, SESeal);
    expect(seal.eSealInfo.header).toMatchObject({ id: 'ES', version: 4 });
    expect(seal.eSealInfo.property).toMatchObject({ type: 1, name: '南京示例科技有限公司', certListType: 1 });
    expect(readSm2Certificate(f.signerCert, f.root.publicKey).issuedBy).toBe(true);
  });

  it('verifies, and OpenSSL verifies the same signature and the maker’s seal signature independently', () => {
    const signature = signWithSeal({
      seal: f.seal,
      data: record,
      propertyInfo: 'licence-record',
      signer: f.signer,
      signerCertificate: f.signerCert,
    });
    const result = verifySesSignature(signature, record, [f.root.publicKey]);
    expect(result).toMatchObject({ valid: true, esID: '32010000000001', sealName: '南京示例科技有限公司' });
    const parsed = AsnConvert.parse(signature, SES_Signature);
    const seal = AsnConvert.parse(f.seal, SESeal);
    expect(opensslVerifySm2(new Uint8Array(parsed.toSignRaw!), new Uint8Array(parsed.signature), f.signerKey.publicKey)).toBe(true);
    expect(opensslVerifySm2(new Uint8Array(seal.eSealInfoRaw!), new Uint8Array(seal.signedValue), f.root.publicKey)).toBe(true);
    // A genuine failure answers false (not a missing tool): the wrong key, a changed document.
    expect(opensslVerifySm2(new Uint8Array(parsed.toSignRaw!), new Uint8Array(parsed.signature), f.root.publicKey)).toBe(false);
    expect(
      opensslVerifySm2(
        Buffer.concat([Buffer.from(parsed.toSignRaw!), Buffer.from('!')]),
        new Uint8Array(parsed.signature),
        f.signerKey.publicKey,
      ),
    ).toBe(false);
    expect(runTool('openssl', ['x509', '-inform', 'DER', '-noout', '-text'], { input: f.signerCert }).stdout).toContain('SM2');
  });

  it('OpenSSL verifies an SM2 seal certificate against its SM2 CA (signer id 1234567812345678), and not against another CA', () => {
    expect(opensslVerifyCertificate(f.signerCert, [f.rootCert], { sm2: true })).toBe(true);
    expect(opensslVerifyCertificate(f.signerCert, [fixture().rootCert], { sm2: true })).toBe(false);
  });

  it('fails on a changed document, a changed signature, a foreign maker, a signer outside the seal and an expired seal', () => {
    const signature = signWithSeal({
      seal: f.seal,
      data: record,
      propertyInfo: 'licence-record',
      signer: f.signer,
      signerCertificate: f.signerCert,
    });
    expect(verifySesSignature(signature, Buffer.concat([record, Buffer.from('!')]), [f.root.publicKey]).checks).toMatchObject({
      documentUnchanged: false,
      signature: true,
    });
    const tampered = Buffer.from(signature);
    tampered[tampered.length - 40]! ^= 1;
    expect(verifySesSignature(tampered, record, [f.root.publicKey]).valid).toBe(false);
    expect(verifySesSignature(signature, record, [crypto.generateSm2KeyPair().publicKey]).checks).toMatchObject({
      makerTrusted: false,
      sealSignature: true,
    });
    const outsider = fixture();
    const foreign = signWithSeal({
      seal: f.seal,
      data: record,
      propertyInfo: 'x',
      signer: outsider.signer,
      signerCertificate: outsider.signerCert,
    });
    expect(verifySesSignature(foreign, record, [f.root.publicKey]).checks).toMatchObject({ signerInSeal: false, signature: true });
    const expired = fixture(new Date(Date.now() + 1000));
    const late = signWithSeal({
      seal: expired.seal,
      data: record,
      propertyInfo: 'x',
      signer: expired.signer,
      signerCertificate: expired.signerCert,
      time: new Date(Date.now() + 5000),
    });
    expect(verifySesSignature(late, record, [expired.root.publicKey]).checks).toMatchObject({ sealValidAtSigning: false });
    expect(verifySesSignature(Buffer.from('not a signature'), record, [f.root.publicKey]).valid).toBe(false);
  });
});
