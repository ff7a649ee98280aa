/**
 * GB/T 38540-2020 (SES v4) electronic seal and electronic signature structures, as
 * @peculiar/asn1-schema classes. Field order and types follow the standard as implemented by
 * ofdrw (org.ofdrw.gm.ses.v4), the de-facto interoperability reference.
 */
import 'reflect-metadata';
import { AsnArray, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes } from '@peculiar/asn1-schema';

export const OID = {
  sm2: '1.2.156.10197.1.301', // SM2 curve (namedCurve in SPKI)
  sm3: '1.2.156.10197.1.401',
  sm2WithSm3: '1.2.156.10197.1.501', // signAlgID / signatureAlgID
  ecPublicKey: '1.2.840.10045.2.1',
} as const;

/** SES_Header ::= SEQUENCE { id IA5String ("ES"), version INTEGER (4), vid IA5String } */
export class SES_Header {
  @AsnProp({ type: AsnPropTypes.IA5String }) id = 'ES';
  @AsnProp({ type: AsnPropTypes.Integer }) version = 4;
  @AsnProp({ type: AsnPropTypes.IA5String }) vid = '';
  constructor(p: Partial<SES_Header> = {}) {
    Object.assign(this, p);
  }
}

/** SES_ESPictrueInfo ::= SEQUENCE { type IA5String, data OCTET STRING, width INTEGER, height INTEGER }  (sic "Pictrue"; mm) */
export class SES_ESPictrueInfo {
  @AsnProp({ type: AsnPropTypes.IA5String }) type = 'PNG';
  @AsnProp({ type: AsnPropTypes.OctetString }) data = new ArrayBuffer(0);
  @AsnProp({ type: AsnPropTypes.Integer }) width = 40;
  @AsnProp({ type: AsnPropTypes.Integer }) height = 40;
  constructor(p: Partial<SES_ESPictrueInfo> = {}) {
    Object.assign(this, p);
  }
}

/** CertInfoList ::= SEQUENCE OF OCTET STRING (each = DER X.509) */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: AsnPropTypes.OctetString })
export class CertInfoList extends AsnArray<ArrayBuffer> {}

/** CertDigestObj ::= SEQUENCE { type PrintableString, value OCTET STRING } ; CertDigestList ::= SEQUENCE OF CertDigestObj */
export class CertDigestObj {
  @AsnProp({ type: AsnPropTypes.PrintableString }) type = '';
  @AsnProp({ type: AsnPropTypes.OctetString }) value = new ArrayBuffer(0);
  constructor(p: Partial<CertDigestObj> = {}) {
    Object.assign(this, p);
  }
}
@AsnType({ type: AsnTypeTypes.Sequence, itemType: CertDigestObj })
export class CertDigestList extends AsnArray<CertDigestObj> {}

/**
 * SES_ESPropertyInfo ::= SEQUENCE {
 *   type INTEGER, name UTF8String, certListType INTEGER (1 = certs, 2 = certDigestList),
 *   certList SES_CertList,   -- CHOICE { certs CertInfoList, certDigestList CertDigestList } (both untagged SEQUENCE!)
 *   createDate GeneralizedTime, validStart GeneralizedTime, validEnd GeneralizedTime }
 * certList is kept as raw DER (Any): the CHOICE arms are indistinguishable by tag, certListType tells which one.
 */
export class SES_ESPropertyInfo {
  @AsnProp({ type: AsnPropTypes.Integer }) type = 1;
  @AsnProp({ type: AsnPropTypes.Utf8String }) name = '';
  @AsnProp({ type: AsnPropTypes.Integer }) certListType = 1;
  @AsnProp({ type: AsnPropTypes.Any }) certList = new ArrayBuffer(0);
  @AsnProp({ type: AsnPropTypes.GeneralizedTime }) createDate = new Date();
  @AsnProp({ type: AsnPropTypes.GeneralizedTime }) validStart = new Date();
  @AsnProp({ type: AsnPropTypes.GeneralizedTime }) validEnd = new Date();
  constructor(p: Partial<SES_ESPropertyInfo> = {}) {
    Object.assign(this, p);
  }
}

/** ExtData ::= SEQUENCE { extnID OBJECT IDENTIFIER, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } */
export class ExtData {
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier }) extnID = '';
  @AsnProp({ type: AsnPropTypes.Boolean, defaultValue: false }) critical = false;
  @AsnProp({ type: AsnPropTypes.OctetString }) extnValue = new ArrayBuffer(0);
  constructor(p: Partial<ExtData> = {}) {
    Object.assign(this, p);
  }
}
/** ExtensionDatas ::= SEQUENCE OF ExtData */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: ExtData })
export class ExtensionDatas extends AsnArray<ExtData> {}

/** SES_SealInfo ::= SEQUENCE { header, esID IA5String, property, picture, extDatas ExtensionDatas OPTIONAL } */
export class SES_SealInfo {
  @AsnProp({ type: SES_Header }) header = new SES_Header();
  @AsnProp({ type: AsnPropTypes.IA5String }) esID = '';
  @AsnProp({ type: SES_ESPropertyInfo }) property = new SES_ESPropertyInfo();
  @AsnProp({ type: SES_ESPictrueInfo }) picture = new SES_ESPictrueInfo();
  @AsnProp({ type: ExtensionDatas, optional: true }) extDatas?: ExtensionDatas;
  constructor(p: Partial<SES_SealInfo> = {}) {
    Object.assign(this, p);
  }
}

/** SESeal ::= SEQUENCE { eSealInfo SES_SealInfo, cert OCTET STRING (maker cert DER), signAlgID OID, signedValue BIT STRING } */
export class SESeal {
  @AsnProp({ type: SES_SealInfo, raw: true }) eSealInfo = new SES_SealInfo();
  eSealInfoRaw?: ArrayBuffer; // filled by the parser (raw:true): exact bytes that signedValue covers
  @AsnProp({ type: AsnPropTypes.OctetString }) cert = new ArrayBuffer(0);
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier }) signAlgID: string = OID.sm2WithSm3;
  @AsnProp({ type: AsnPropTypes.BitString }) signedValue = new ArrayBuffer(0);
  constructor(p: Partial<SESeal> = {}) {
    Object.assign(this, p);
  }
}

/**
 * TBS_Sign ::= SEQUENCE { version INTEGER (4), eseal SESeal, timeInfo GeneralizedTime, dataHash BIT STRING,
 *                         propertyInfo IA5String, extDatas [0] EXPLICIT ExtensionDatas OPTIONAL }
 * eseal is kept as raw DER (Any): embed the seal byte-for-byte (never re-encode someone else's seal) and avoid
 * re-serialising the picture on every signature.
 */
export class TBS_Sign {
  @AsnProp({ type: AsnPropTypes.Integer }) version = 4;
  @AsnProp({ type: AsnPropTypes.Any }) eseal = new ArrayBuffer(0);
  @AsnProp({ type: AsnPropTypes.GeneralizedTime }) timeInfo = new Date();
  @AsnProp({ type: AsnPropTypes.BitString }) dataHash = new ArrayBuffer(0);
  @AsnProp({ type: AsnPropTypes.IA5String }) propertyInfo = '';
  @AsnProp({ type: ExtensionDatas, context: 0, implicit: false, optional: true }) extDatas?: ExtensionDatas;
  constructor(p: Partial<TBS_Sign> = {}) {
    Object.assign(this, p);
  }
}

/** SES_Signature ::= SEQUENCE { toSign TBS_Sign, cert OCTET STRING (signer cert DER), signatureAlgID OID,
 *                               signature BIT STRING, timeStamp [0] EXPLICIT BIT STRING OPTIONAL } */
export class SES_Signature {
  @AsnProp({ type: TBS_Sign, raw: true }) toSign = new TBS_Sign();
  toSignRaw?: ArrayBuffer;
  @AsnProp({ type: AsnPropTypes.OctetString }) cert = new ArrayBuffer(0);
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier }) signatureAlgID: string = OID.sm2WithSm3;
  @AsnProp({ type: AsnPropTypes.BitString }) signature = new ArrayBuffer(0);
  @AsnProp({ type: AsnPropTypes.BitString, context: 0, implicit: false, optional: true }) timeStamp?: ArrayBuffer;
  constructor(p: Partial<SES_Signature> = {}) {
    Object.assign(this, p);
  }
}
