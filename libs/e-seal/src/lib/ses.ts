import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  CertInfoList,
  OID,
  SES_ESPictrueInfo,
  SES_ESPropertyInfo,
  SES_Header,
  SES_SealInfo,
  SES_Signature,
  SESeal,
  TBS_Sign,
} from './ses.asn1.js';
import { readSm2Certificate, sm2Verify, type Sm2Signer, toArrayBuffer } from './sm2-certificate.js';

const sm3 = (data: Uint8Array | ArrayBuffer) =>
  createHash('sm3')
    .update(new Uint8Array(data as ArrayBuffer))
    .digest();
/** GeneralizedTime without fractional seconds (`YYYYMMDDHHMMSSZ`), as BouncyCastle-based readers expect. */
const wholeSeconds = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000);

/** Seal types (印章类型) of GB/T 38540 property.type as this platform uses them. */
export const SEAL_TYPES = { official: 1, personal: 2, contract: 3, approval: 4, finance: 5 } as const;

export interface SealSpec {
  /** 电子印章标识: unique code of the seal. */
  esID: string;
  name: string;
  type: keyof typeof SEAL_TYPES;
  /** The seal picture (PNG) and its printed size in millimetres. */
  png: Uint8Array;
  widthMm?: number;
  heightMm?: number;
  /** DER X.509 certificates of the people/systems that may sign with the seal (certList). */
  signerCertificates: Uint8Array[];
  validStart: Date;
  validEnd: Date;
  /** 厂商标识 */
  vendorId?: string;
}

/**
 * 制章: builds an SESeal (GB/T 38540 v4). The maker (制章人) signs DER(SES_SealInfo) — what
 * ofdrw, the de-facto reference, signs and verifies.
 */
export function makeSeal(spec: SealSpec, maker: { certificate: Uint8Array; signer: Sm2Signer }): Buffer {
  const info = new SES_SealInfo({
    header: new SES_Header({ id: 'ES', version: 4, vid: spec.vendorId ?? 'GOV-MP' }),
    esID: spec.esID,
    property: new SES_ESPropertyInfo({
      type: SEAL_TYPES[spec.type],
      name: spec.name,
      certListType: 1,
      certList: AsnConvert.serialize(new CertInfoList(spec.signerCertificates.map((c) => toArrayBuffer(c)))),
      createDate: wholeSeconds(new Date()),
      validStart: wholeSeconds(spec.validStart),
      validEnd: wholeSeconds(spec.validEnd),
    }),
    picture: new SES_ESPictrueInfo({ type: 'PNG', data: toArrayBuffer(spec.png), width: spec.widthMm ?? 40, height: spec.heightMm ?? 40 }),
  });
  const signedValue = toArrayBuffer(maker.signer.sign(new Uint8Array(AsnConvert.serialize(info))));
  return Buffer.from(
    AsnConvert.serialize(new SESeal({ eSealInfo: info, cert: toArrayBuffer(maker.certificate), signAlgID: OID.sm2WithSm3, signedValue })),
  );
}

/**
 * 签章: an SES_Signature over `data` with `seal` (embedded byte for byte): the signer signs
 * DER(TBS_Sign), whose dataHash is SM3(data); `propertyInfo` says what was signed.
 */
export function signWithSeal(o: {
  seal: Uint8Array;
  data: Uint8Array;
  propertyInfo: string;
  signer: Sm2Signer;
  signerCertificate: Uint8Array;
  time?: Date;
}): Buffer {
  const toSign = new TBS_Sign({
    version: 4,
    eseal: toArrayBuffer(o.seal),
    timeInfo: wholeSeconds(o.time ?? new Date()),
    dataHash: toArrayBuffer(sm3(o.data)),
    propertyInfo: o.propertyInfo,
  });
  const signature = toArrayBuffer(o.signer.sign(new Uint8Array(AsnConvert.serialize(toSign))));
  return Buffer.from(
    AsnConvert.serialize(
      new SES_Signature({ toSign, cert: toArrayBuffer(o.signerCertificate), signatureAlgID: OID.sm2WithSm3, signature }),
    ),
  );
}

export interface SesVerification {
  valid: boolean;
  /** Each check by name; all must be true. */
  checks: {
    algorithm: boolean;
    signature: boolean;
    documentUnchanged: boolean;
    sealStructure: boolean;
    sealSignature: boolean;
    signerInSeal: boolean;
    sealValidAtSigning: boolean;
    makerTrusted: boolean;
  };
  esID: string | null;
  sealName: string | null;
  signedAt: string | null;
}

/**
 * Verifies an SES_Signature in the order GB/T 38540 gives: the signature over TBS_Sign with the
 * signer's certificate, the signer's certificate in the seal's certList, the maker's signature
 * over the seal info, the validity window at signing time, and the document's SM3. Signatures
 * are checked over the bytes received, never over a re-encoding. `trustedMakers` are the
 * public keys of the makers (制章人) this verifier accepts.
 */
export function verifySesSignature(der: Uint8Array, data: Uint8Array, trustedMakers: readonly string[]): SesVerification {
  const fail: SesVerification = {
    valid: false,
    checks: {
      algorithm: false,
      signature: false,
      documentUnchanged: false,
      sealStructure: false,
      sealSignature: false,
      signerInSeal: false,
      sealValidAtSigning: false,
      makerTrusted: false,
    },
    esID: null,
    sealName: null,
    signedAt: null,
  };
  let s: SES_Signature;
  let seal: SESeal;
  try {
    s = AsnConvert.parse(der, SES_Signature);
    seal = AsnConvert.parse(s.toSign.eseal, SESeal);
  } catch {
    return fail;
  }
  const checks = { ...fail.checks };
  let signerKey: string | null = null;
  try {
    signerKey = readSm2Certificate(s.cert).publicKey;
  } catch {
    /* not an SM2 certificate */
  }
  checks.algorithm = s.signatureAlgID === OID.sm2WithSm3 && seal.signAlgID === OID.sm2WithSm3;
  checks.signature =
    signerKey !== null && s.toSignRaw !== undefined && sm2Verify(new Uint8Array(s.toSignRaw), new Uint8Array(s.signature), signerKey);
  checks.documentUnchanged = Buffer.from(s.toSign.dataHash).equals(sm3(data));
  const info = seal.eSealInfo;
  checks.sealStructure = info.header.id === 'ES' && info.header.version === 4 && s.toSign.version === 4;
  let makerKey: string | null = null;
  try {
    makerKey = readSm2Certificate(seal.cert).publicKey;
  } catch {
    /* not an SM2 certificate */
  }
  checks.sealSignature =
    makerKey !== null &&
    seal.eSealInfoRaw !== undefined &&
    sm2Verify(new Uint8Array(seal.eSealInfoRaw), new Uint8Array(seal.signedValue), makerKey);
  checks.makerTrusted = makerKey !== null && trustedMakers.includes(makerKey);
  try {
    checks.signerInSeal =
      info.property.certListType === 1 &&
      AsnConvert.parse(info.property.certList, CertInfoList).some((c) => Buffer.from(c).equals(Buffer.from(s.cert)));
  } catch {
    checks.signerInSeal = false;
  }
  const t = s.toSign.timeInfo.getTime();
  checks.sealValidAtSigning = info.property.validStart.getTime() <= t && t <= info.property.validEnd.getTime();
  return {
    valid: Object.values(checks).every(Boolean),
    checks,
    esID: info.esID,
    sealName: info.property.name,
    signedAt: s.toSign.timeInfo.toISOString(),
  };
}
