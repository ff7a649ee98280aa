import 'reflect-metadata';
import { createHash, randomBytes } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  Extension,
  Extensions,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_keyUsage,
  id_ce_subjectKeyIdentifier,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';
import { sm2 } from 'sm-crypto-v2';
import { OID } from './ses.asn1.js';

/** Something that signs with an SM2 private key it keeps (the crypto provider, a crypto machine). */
export interface Sm2Signer {
  /** Uncompressed public key, hex (`04` + x + y). */
  publicKey: string;
  /** SM2-with-SM3 over `data` with signer id 1234567812345678, DER `SEQUENCE { r, s }`. */
  sign(data: Uint8Array): Uint8Array;
}

/** SubjectPublicKeyInfo (DER) of an SM2 public key: what OpenSSL and other tools read it from. */
export function sm2PublicKeySpki(publicKey: string): Buffer {
  return Buffer.concat([Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d034200', 'hex'), Buffer.from(publicKey, 'hex')]);
}

/** DER of the namedCurve parameter `sm2p256v1` (OID 1.2.156.10197.1.301). */
const SM2_CURVE_PARAM = Buffer.from('06082a811ccf5501822d', 'hex');

const rdn = (oid: string, value: string, utf8 = true) =>
  new RelativeDistinguishedName([
    new AttributeTypeAndValue({ type: oid, value: new AttributeValue(utf8 ? { utf8String: value } : { printableString: value }) }),
  ]);
const extension = (extnID: string, critical: boolean, value: unknown) =>
  new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
const keyId = (publicKey: string) => toArrayBuffer(createHash('sm3').update(Buffer.from(publicKey, 'hex')).digest().subarray(0, 20));

export function sm2Name(commonName: string, organisation: string): Name {
  return new Name([rdn('2.5.4.6', 'CN', false), rdn('2.5.4.10', organisation), rdn('2.5.4.3', commonName)]);
}

/**
 * An X.509 v3 certificate for an SM2 key, signed SM2-with-SM3 by `issuer` (self-signed when
 * absent). OpenSSL parses these and verifies them with `-vfyopt distid:1234567812345678`.
 */
export function issueSm2Certificate(o: {
  subject: Name;
  publicKey: string;
  issuer?: { name: Name; signer: Sm2Signer };
  ca?: boolean;
  notBefore?: Date;
  notAfter: Date;
}): Buffer {
  const signer = o.issuer?.signer;
  const issuerName = o.issuer?.name ?? o.subject;
  if (!signer) throw new Error('issueSm2Certificate: an issuer (or the subject’s own signer) is required');
  const algorithm = new AlgorithmIdentifier({ algorithm: OID.sm2WithSm3 });
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01; // positive, no leading zero byte
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: toArrayBuffer(serial),
    signature: algorithm,
    issuer: issuerName,
    subject: o.subject,
    validity: new Validity({ notBefore: o.notBefore ?? new Date(Date.now() - 60_000), notAfter: o.notAfter }),
    subjectPublicKeyInfo: new SubjectPublicKeyInfo({
      algorithm: new AlgorithmIdentifier({ algorithm: OID.ecPublicKey, parameters: toArrayBuffer(SM2_CURVE_PARAM) }),
      subjectPublicKey: toArrayBuffer(Buffer.from(o.publicKey, 'hex')),
    }),
    extensions: new Extensions([
      extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: o.ca ?? false })),
      extension(
        id_ce_keyUsage,
        true,
        new KeyUsage(
          o.ca ? KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign : KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation,
        ),
      ),
      extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId(o.publicKey))),
      extension(
        id_ce_authorityKeyIdentifier,
        false,
        new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(keyId(signer.publicKey)) }),
      ),
    ]),
  });
  const signatureValue = toArrayBuffer(signer.sign(new Uint8Array(AsnConvert.serialize(tbs))));
  return Buffer.from(AsnConvert.serialize(new Certificate({ tbsCertificate: tbs, signatureAlgorithm: algorithm, signatureValue })));
}

/** The SM2 public key (hex) of a certificate, and whether `issuerPublicKey` signed it. */
export function readSm2Certificate(
  der: Uint8Array | ArrayBuffer,
  issuerPublicKey?: string,
): { publicKey: string; notBefore: Date; notAfter: Date; issuedBy?: boolean } {
  const cert = AsnConvert.parse(der, Certificate);
  if (cert.signatureAlgorithm.algorithm !== OID.sm2WithSm3) throw new Error('not an SM2-with-SM3 certificate');
  const publicKey = Buffer.from(cert.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey).toString('hex');
  const { notBefore, notAfter } = cert.tbsCertificate.validity;
  const issuedBy =
    issuerPublicKey === undefined
      ? undefined
      : sm2Verify(new Uint8Array(AsnConvert.serialize(cert.tbsCertificate)), new Uint8Array(cert.signatureValue), issuerPublicKey);
  return { publicKey, notBefore: notBefore.getTime(), notAfter: notAfter.getTime(), ...(issuedBy === undefined ? {} : { issuedBy }) };
}

/** SM2-with-SM3 verification (signer id 1234567812345678); false for malformed input. */
export function sm2Verify(data: Uint8Array, signatureDer: Uint8Array, publicKey: string): boolean {
  try {
    return sm2.doVerifySignature(data, Buffer.from(signatureDer).toString('hex'), publicKey, { hash: true, der: true });
  } catch {
    return false;
  }
}

export function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** An SM2 signer backed by the platform's crypto provider (the private key never leaves it unwrapped). */
export function providerSigner(
  provider: { sm2Sign(key: { provider: string; blob: string }, data: Uint8Array): Uint8Array },
  keyPair: { publicKey: string; privateKey: { provider: string; blob: string } },
): Sm2Signer {
  return { publicKey: keyPair.publicKey, sign: (data) => provider.sm2Sign(keyPair.privateKey, data) };
}
