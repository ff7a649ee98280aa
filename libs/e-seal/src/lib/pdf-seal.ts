import 'reflect-metadata';
import { createHash, type KeyObject, sign as cryptoSign, verify as cryptoVerify, webcrypto, X509Certificate } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import * as x509 from '@peculiar/x509';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { SignPdf, Signer } from '@signpdf/signpdf';
import { SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import forge from 'node-forge';
import {
  concatTransformationMatrix,
  drawObject,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFName,
  PngEmbedder,
  popGraphicsState,
  pushGraphicsState,
  type PDFRef,
} from 'pdf-lib';
import { toArrayBuffer } from './sm2-certificate.js';

x509.cryptoProvider.set(webcrypto as never);

const { asn1 } = forge;
const U = asn1.Class.UNIVERSAL;
const C = asn1.Class.CONTEXT_SPECIFIC;
const T = asn1.Type;
const bin = (b: Uint8Array) => Buffer.from(b).toString('binary');
const oid = (o: string) => asn1.create(U, T.OID, false, asn1.oidToDer(o).getBytes());
const seq = (v: forge.asn1.Asn1[]) => asn1.create(U, T.SEQUENCE, true, v);
const set = (v: forge.asn1.Asn1[]) => asn1.create(U, T.SET, true, v);
const oct = (b: Uint8Array) => asn1.create(U, T.OCTETSTRING, false, bin(b));
const int = (n: number) => asn1.create(U, T.INTEGER, false, asn1.integerToDer(n).getBytes());
const der = (node: forge.asn1.Asn1) => Buffer.from(asn1.toDer(node).getBytes(), 'binary');
const NULL = () => asn1.create(U, T.NULL, false, '');

const OIDS = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  rsaEncryption: '1.2.840.113549.1.1.1',
};

/** The key and certificate a seal signs PDFs with (PAdES: ECDSA P-256, which ordinary PDF readers verify). */
export interface PadesKey {
  privateKey: KeyObject;
  certificate: Buffer;
  /** The CA certificates (DER, the issuer first) sent along in the signature so a verifier can build the chain to a CA it trusts. */
  chain?: Buffer[];
}

/** The CA that issues seal certificates: its certificate and its PKCS#8 key (DER). */
export interface PadesIssuer {
  certificate: Uint8Array;
  pkcs8: Uint8Array;
}

const P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const escapeDn = (v: string) => v.replace(/[,+"\\<>;=]/g, (c) => `\\${c}`);
const distinguishedName = (o: { commonName: string; organisation: string }) =>
  `C=CN, O=${escapeDn(o.organisation)}, CN=${escapeDn(o.commonName)}`;
const randomSerial = () =>
  Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
    .toString('hex')
    .replace(/^[89a-f]/, '1');

async function newP256Keys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(P256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
}

async function exportPkcs8(key: webcrypto.CryptoKey): Promise<Buffer> {
  return Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
}

/**
 * A P-256 key pair and a certificate naming the seal and its organisation (PKCS#8 DER for
 * storage): issued by `issuer` (the platform seal CA — issuer name, authority key identifier,
 * and never valid beyond the CA) or, without one, self-signed.
 */
export async function createPadesKey(o: {
  commonName: string;
  organisation: string;
  notAfter: Date;
  issuer?: PadesIssuer;
}): Promise<{ pkcs8: Buffer; certificate: Buffer }> {
  const keys = await newP256Keys();
  const leafExtensions = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
  ];
  if (!o.issuer) {
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomSerial(),
      name: distinguishedName(o),
      notBefore: new Date(Date.now() - 60_000),
      notAfter: o.notAfter,
      keys: keys as never,
      signingAlgorithm: P256,
      extensions: leafExtensions,
    });
    return { pkcs8: await exportPkcs8(keys.privateKey), certificate: Buffer.from(cert.rawData) };
  }
  const ca = new x509.X509Certificate(toArrayBuffer(o.issuer.certificate));
  const caKeyId = ca.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  if (!caKeyId || !ca.getExtension(x509.BasicConstraintsExtension)?.ca)
    throw new Error('createPadesKey: the issuer is not a CA certificate with a subject key identifier');
  const signingKey = await webcrypto.subtle.importKey(
    'pkcs8',
    toArrayBuffer(o.issuer.pkcs8),
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['sign'],
  );
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: distinguishedName(o),
    issuer: ca.subjectName,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Math.min(o.notAfter.getTime(), ca.notAfter.getTime())),
    publicKey: keys.publicKey as never,
    signingKey: signingKey as never,
    signingAlgorithm: P256,
    extensions: [
      ...leafExtensions,
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as never),
      new x509.AuthorityKeyIdentifierExtension(caKeyId),
    ],
  });
  return { pkcs8: await exportPkcs8(keys.privateKey), certificate: Buffer.from(cert.rawData) };
}

/**
 * The platform seal CA for PDF seal certificates: a P-256 key and a self-signed CA certificate
 * (basicConstraints CA, path length 0; keyUsage keyCertSign and cRLSign; subject key identifier).
 */
export async function createPadesCa(o: {
  commonName: string;
  organisation: string;
  notAfter: Date;
}): Promise<{ pkcs8: Buffer; certificate: Buffer }> {
  const keys = await newP256Keys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: distinguishedName(o),
    notBefore: new Date(Date.now() - 60_000),
    notAfter: o.notAfter,
    keys: keys as never,
    signingAlgorithm: P256,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as never),
    ],
  });
  return { pkcs8: await exportPkcs8(keys.privateKey), certificate: Buffer.from(cert.rawData) };
}

/** Whether `certificate` (DER) names itself as its issuer and verifies with its own key (a self-signed certificate). */
export function isSelfSigned(certificate: Uint8Array): boolean {
  const cert = new X509Certificate(certificate);
  return cert.issuer === cert.subject && cert.verify(cert.publicKey);
}

/** The seal picture decoded and compressed once (pdf-lib would re-compress it in pure JS on every save). */
export interface PreparedPicture {
  width: number;
  height: number;
  bitsPerComponent: number;
  rgb: Buffer;
  alpha: Buffer | null;
}

export async function preparePicture(png: Uint8Array): Promise<PreparedPicture> {
  const { image } = (await PngEmbedder.for(png)) as unknown as {
    image: { width: number; height: number; bitsPerComponent: number; rgbChannel: Uint8Array; alphaChannel?: Uint8Array };
  };
  return {
    width: image.width,
    height: image.height,
    bitsPerComponent: image.bitsPerComponent,
    rgb: deflateSync(image.rgbChannel),
    alpha: image.alphaChannel ? deflateSync(image.alphaChannel) : null,
  };
}

export interface PdfSealPlacement {
  /** 0-based page index (default: last page). */
  page?: number;
  /** Lower-left corner and size in points (1/72 inch); default 120 × 120 pt, 72 pt from the bottom right. */
  x?: number;
  y?: number;
  size?: number;
}

export class PdfSealError extends Error {}

/**
 * Seals a PDF: the seal picture is drawn as the visible appearance of a signature field, and an
 * embedded PAdES B-B signature (ETSI.CAdES.detached; SHA-256, ESS signing-certificate-v2, the
 * time in the signature dictionary) covers the whole file, so ordinary PDF readers show a valid
 * signature. Existing signatures are not preserved (the document is rewritten).
 */
export async function sealPdf(
  pdf: Uint8Array,
  o: { key: PadesKey; picture: PreparedPicture; sealName: string; organisation: string; reason?: string; placement?: PdfSealPlacement },
): Promise<Buffer> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(pdf, { updateMetadata: false });
  } catch {
    throw new PdfSealError('不是有效的 PDF 文件 (not a valid PDF)');
  }
  const pages = doc.getPages();
  if (pages.length === 0) throw new PdfSealError('PDF 没有页面 (the PDF has no pages)');
  const index = o.placement?.page ?? pages.length - 1;
  const page = pages[index];
  if (!page) throw new PdfSealError(`PDF 没有第 ${index + 1} 页 (no such page)`);
  const size = o.placement?.size ?? 120;
  const { width } = page.getSize();
  const x = o.placement?.x ?? width - 72 - size;
  const y = o.placement?.y ?? 72;
  const rect = [x, y, x + size, y + size];
  pdflibAddPlaceholder({
    pdfDoc: doc,
    pdfPage: page,
    reason: o.reason ?? '电子印章 (electronic seal)',
    contactInfo: '',
    name: o.sealName,
    location: o.organisation,
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    signatureLength: 8192,
    widgetRect: rect,
    appName: 'gov-middle-platform e-seal',
  });
  const image = registerPicture(doc, o.picture);
  const appearance = doc.context.formXObject(
    [pushGraphicsState(), concatTransformationMatrix(size, 0, 0, size, 0, 0), drawObject('Seal'), popGraphicsState()],
    {
      BBox: [0, 0, size, size],
      Resources: { XObject: { Seal: image } },
    },
  );
  const annots = page.node.lookup(PDFName.of('Annots'), PDFArray);
  annots.lookup(annots.size() - 1, PDFDict).set(PDFName.of('AP'), doc.context.obj({ N: doc.context.register(appearance) }));
  const unsigned = Buffer.from(await doc.save({ useObjectStreams: false }));
  return new SignPdf().sign(unsigned, new CmsSigner(o.key));
}

function registerPicture(doc: PDFDocument, p: PreparedPicture): PDFRef {
  const common = {
    Type: 'XObject',
    Subtype: 'Image',
    Width: p.width,
    Height: p.height,
    BitsPerComponent: p.bitsPerComponent,
    Filter: 'FlateDecode',
  };
  const smask = p.alpha ? doc.context.register(doc.context.stream(p.alpha, { ...common, ColorSpace: 'DeviceGray', Decode: [0, 1] })) : null;
  return doc.context.register(doc.context.stream(p.rgb, { ...common, ColorSpace: 'DeviceRGB', ...(smask ? { SMask: smask } : {}) }));
}

/** A detached CMS SignedData (RFC 5652) built with node-forge's ASN.1 codec, signed natively by node:crypto. */
class CmsSigner extends Signer {
  constructor(private readonly key: PadesKey) {
    super();
  }

  override async sign(content: Buffer): Promise<Buffer> {
    const certDer = this.key.certificate;
    const { serial, issuer } = issuerAndSerial(certDer);
    const attr = (type: string, value: forge.asn1.Asn1) => seq([oid(type), set([value])]);
    const attrs = [
      attr(OIDS.contentType, oid(OIDS.data)),
      attr(OIDS.messageDigest, oct(createHash('sha256').update(content).digest())),
      attr(
        OIDS.signingCertificateV2,
        seq([seq([seq([oct(createHash('sha256').update(certDer).digest()), seq([seq([asn1.create(C, 4, true, [issuer])]), serial])])])]),
      ),
    ]
      .map(der)
      .sort(Buffer.compare) // DER: a SET OF is sorted
      .map((b) => asn1.fromDer(bin(b)));
    const signature = cryptoSign('sha256', der(set(attrs)), this.key.privateKey);
    const ec = this.key.privateKey.asymmetricKeyType === 'ec';
    const signerInfo = seq([
      int(1),
      seq([issuer, serial]),
      seq([oid(OIDS.sha256), NULL()]),
      asn1.create(C, 0, true, attrs),
      ec ? seq([oid(OIDS.ecdsaWithSHA256)]) : seq([oid(OIDS.rsaEncryption), NULL()]),
      oct(signature),
    ]);
    // The signer's certificate, then its CA chain: a verifier that trusts the platform seal CA builds the path from these.
    const certificates = [certDer, ...(this.key.chain ?? [])].map((c) => asn1.fromDer(bin(c)));
    const signedData = seq([
      int(1),
      set([seq([oid(OIDS.sha256), NULL()])]),
      seq([oid(OIDS.data)]),
      asn1.create(C, 0, true, certificates),
      set([signerInfo]),
    ]);
    return der(seq([oid(OIDS.signedData), asn1.create(C, 0, true, [signedData])]));
  }
}

function issuerAndSerial(certDer: Uint8Array): { serial: forge.asn1.Asn1; issuer: forge.asn1.Asn1 } {
  const tbs = (asn1.fromDer(bin(certDer)).value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[];
  const offset = tbs[0]!.tagClass === C ? 1 : 0;
  return { serial: tbs[offset]!, issuer: tbs[offset + 2]! };
}

export interface PdfSignatureCheck {
  /** The CMS signature verifies and its message digest matches the signed bytes. */
  signatureValid: boolean;
  /** The signature covers the whole file (nothing appended after signing). */
  coversWholeDocument: boolean;
  /** The signer's certificate (DER) and its SHA-256 fingerprint. */
  certificate: Buffer | null;
  /** The other certificates the signature carries (DER; the CA chain when the seal's certificate was issued by the platform seal CA). */
  chain: Buffer[];
  fingerprint: string | null;
  /** Signing time from the signature dictionary (/M), if present. */
  signedAt: string | null;
}

/**
 * The last signature of a PDF as its parts: the bytes its ByteRange covers, the CMS from
 * /Contents (padding trimmed to the DER length), whether it covers the whole file, and the
 * signing time of the signature dictionary (/M). Null when there is no usable signature.
 */
export function pdfSignatureParts(
  pdf: Uint8Array,
): { signedContent: Buffer; cms: Buffer; coversWholeDocument: boolean; signedAt: string | null } | null {
  const buf = Buffer.from(pdf);
  const text = buf.toString('latin1');
  const last = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)].at(-1);
  if (!last) return null;
  const [a, b, c, d] = last.slice(1, 5).map(Number) as [number, number, number, number];
  if (a !== 0 || b <= 0 || c <= a + b || c + d > buf.length) return null;
  const padded = Buffer.from(buf.subarray(a + b + 1, c - 1).toString('latin1'), 'hex');
  const lengthBytes = padded[1]! & 0x7f;
  const derLength =
    padded[1]! < 0x80 ? 2 + padded[1]! : 2 + lengthBytes + [...padded.subarray(2, 2 + lengthBytes)].reduce((n, x) => n * 256 + x, 0);
  const time = /\/M\s*\(D:(\d{14})/.exec(text.slice(Math.max(0, a + b - 4096), c + 4096))?.[1];
  return {
    signedContent: Buffer.concat([buf.subarray(a, a + b), buf.subarray(c, c + d)]),
    cms: padded.subarray(0, Math.min(derLength, padded.length)),
    coversWholeDocument: c + d === buf.length,
    signedAt: time
      ? `${time.slice(0, 4)}-${time.slice(4, 6)}-${time.slice(6, 8)}T${time.slice(8, 10)}:${time.slice(10, 12)}:${time.slice(12, 14)}Z`
      : null,
  };
}

/**
 * Checks the last signature of a PDF independently of how it was made: extracts ByteRange and
 * Contents, checks the message digest over the signed bytes and the signature over the signed
 * attributes with the certificate's key.
 */
export function verifyPdfSignature(pdf: Uint8Array): PdfSignatureCheck {
  const none: PdfSignatureCheck = {
    signatureValid: false,
    coversWholeDocument: false,
    certificate: null,
    chain: [],
    fingerprint: null,
    signedAt: null,
  };
  const parts = pdfSignatureParts(pdf);
  if (!parts) return none;
  const { signedContent: signed, coversWholeDocument, signedAt } = parts;
  try {
    const content = asn1.fromDer(bin(parts.cms), { parseAllBytes: false } as never);
    if (asn1.derToOid((content.value as forge.asn1.Asn1[])[0]!.value as string) !== OIDS.signedData) return none;
    const sd = ((content.value as forge.asn1.Asn1[])[1]!.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[];
    const certs = sd.find((n) => n.tagClass === C && n.type === 0)!;
    const signerInfo = (sd.at(-1)!.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[];
    const attrsNode = signerInfo.find((n) => n.tagClass === C && n.type === 0)!;
    const signature = Buffer.from(signerInfo[signerInfo.indexOf(attrsNode) + 2]!.value as string, 'binary');
    let digest: string | null = null;
    for (const at of attrsNode.value as forge.asn1.Asn1[]) {
      const parts = at.value as forge.asn1.Asn1[];
      if (asn1.derToOid(parts[0]!.value as string) === OIDS.messageDigest)
        digest = ((parts[1]!.value as forge.asn1.Asn1[])[0]!.value as string) ?? null;
    }
    // The signer's certificate is the one its SignerIdentifier (issuer and serial) names, wherever it is in the set.
    const carried = (certs.value as forge.asn1.Asn1[]).map((n) => Buffer.from(asn1.toDer(n).getBytes(), 'binary'));
    const sid = signerInfo[1]!.value as forge.asn1.Asn1[];
    const sidIssuer = der(sid[0]!);
    const sidSerial = der(sid[1]!);
    const certificate = carried.find((c) => {
      const { issuer, serial } = issuerAndSerial(c);
      return der(issuer).equals(sidIssuer) && der(serial).equals(sidSerial);
    });
    if (!certificate) return none;
    const attrsDer = Buffer.from(asn1.toDer(asn1.create(U, T.SET, true, attrsNode.value as forge.asn1.Asn1[])).getBytes(), 'binary');
    const digestOk = digest !== null && Buffer.from(digest, 'binary').equals(createHash('sha256').update(signed).digest());
    const key = new X509Certificate(certificate).publicKey;
    const signatureOk = cryptoVerify('sha256', attrsDer, key, signature);
    return {
      signatureValid: digestOk && signatureOk,
      coversWholeDocument,
      certificate,
      chain: carried.filter((c) => c !== certificate),
      fingerprint: createHash('sha256').update(certificate).digest('hex'),
      signedAt,
    };
  } catch {
    return none;
  }
}
