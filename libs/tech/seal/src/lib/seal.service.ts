import { createHash, createPrivateKey, randomInt, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, IsNull } from 'typeorm';
import type {
  CallMeta,
  SealPdfInput,
  SealPdfReply,
  SealSignDataInput,
  SealSignDataReply,
  SealVerifyInput,
  SealVerifyReply,
} from '@gmp/contracts';
import {
  createPadesCa,
  createPadesKey,
  issueSm2Certificate,
  makeSeal,
  makeSealPng,
  type PadesIssuer,
  type PadesKey,
  PdfSealError,
  type PreparedPicture,
  preparePicture,
  providerSigner,
  sealPdf,
  signWithSeal,
  sm2Name,
  verifyPdfSignature,
  verifySesSignature,
} from '@gmp/e-seal';
import type { CryptoProvider } from '@gmp/gm-crypto';
import { CRYPTO_PROVIDER } from '@gmp/service-kit';
import { Seal, SealCa, SealGrant, SealMaker, SealUse } from './seal.entities.js';
import { SealProblem } from './seal.problems.js';

const MAKER_ID = 'seal-maker-1';
const MAKER_NAME = sm2Name('政务中台电子印章制章系统 (seal maker)', '政务中台 (government middle platform)');
const KEY_LABEL = 'seal-key';
/** The platform seal CA: its P-256 key issues the seals' PDF certificates, its SM2 key their SM2 certificates. */
export const SEAL_CA_P256_ID = 'seal-ca-p256';
export const SEAL_CA_SM2_ID = 'seal-ca-sm2';
const CA_ORGANISATION = '政务中台 (government middle platform)';
const CA_P256_NAME = { commonName: '政务中台电子印章 CA (platform seal CA) ECDSA P-256', organisation: CA_ORGANISATION };
const CA_SM2_NAME = sm2Name('政务中台电子印章 CA (platform seal CA) SM2', CA_ORGANISATION);
const CA_YEARS = 20;

/** The platform seal CA as the seal service uses it. */
interface LoadedSealCa {
  p256: PadesIssuer;
  sm2: { certificate: Buffer; publicKey: string; privateKeyBlob: string };
}

export interface RegisterSeal {
  organisationCode: string;
  organisationName: string;
  name: string;
  type: Seal['type'];
  validYears: number;
  grantees: string[];
  by: string;
  id?: string;
}

/**
 * The seal registry and its uses (电子印章): seals are made by the platform's seal maker, used
 * only by the apps granted them, while valid and not revoked; every use and every refusal is in
 * `seal_use`. Keys stay with the crypto provider (SM2 wrapped, the PDF key encrypted).
 */
@Injectable()
export class SealService implements OnApplicationBootstrap {
  private readonly logger = new Logger('SealService');
  private readonly pictures = new Map<string, PreparedPicture>();
  private readonly padesKeys = new Map<string, PadesKey>();
  private caLoading: Promise<LoadedSealCa> | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CRYPTO_PROVIDER) private readonly crypto: CryptoProvider,
  ) {}

  /**
   * Makes sure the platform seal CA exists (so its certificate can be fetched at once), and
   * lists the seals still on a self-signed PDF certificate from before the CA: they keep signing
   * and verifying as they did, without a chain; re-register a seal to get a CA-issued one.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.sealCa();
    const legacy = await this.dataSource
      .getRepository(Seal)
      .find({ select: { id: true, name: true }, where: { padesIssuer: IsNull() }, order: { createdAt: 'ASC' } });
    if (legacy.length > 0) {
      this.logger.warn(
        `${legacy.length} 枚印章的 PDF 证书为自签名、无证书链（早于印章 CA，照常签章与验证）(seals with a self-signed PDF certificate from before the platform seal CA; they sign and verify as before, without a chain): ${legacy.map((l) => `${l.name} ${l.id}`).join(', ')}`,
      );
    }
  }

  /** The platform seal CA's certificates (DER): `p256` issues the seals' PDF certificates, `sm2` their SM2 certificates. */
  async caCertificates(): Promise<{ p256: Buffer; sm2: Buffer }> {
    const ca = await this.sealCa();
    return { p256: Buffer.from(ca.p256.certificate), sm2: ca.sm2.certificate };
  }

  async register(r: RegisterSeal): Promise<Seal> {
    const maker = await this.maker();
    const ca = await this.sealCa();
    const id = r.id ?? randomUUID();
    const now = new Date();
    const validTo = new Date(Date.UTC(now.getUTCFullYear() + r.validYears, now.getUTCMonth(), now.getUTCDate()));
    const keyPair = this.crypto.generateSm2KeyPair();
    const makerSigner = providerSigner(this.crypto, {
      publicKey: maker.publicKey,
      privateKey: { provider: this.crypto.name, blob: maker.privateKey },
    });
    const caSigner = providerSigner(this.crypto, {
      publicKey: ca.sm2.publicKey,
      privateKey: { provider: this.crypto.name, blob: ca.sm2.privateKeyBlob },
    });
    const sm2Certificate = issueSm2Certificate({
      subject: sm2Name(r.name, r.organisationName),
      publicKey: keyPair.publicKey,
      issuer: { name: CA_SM2_NAME, signer: caSigner },
      notAfter: validTo,
    });
    const picture = makeSealPng(256);
    const esId = `${r.organisationCode.slice(2, 8)}${randomInt(10_000_000, 100_000_000)}`;
    const sealDer = makeSeal(
      { esID: esId, name: r.name, type: r.type, png: picture, signerCertificates: [sm2Certificate], validStart: now, validEnd: validTo },
      { certificate: maker.certificate, signer: makerSigner },
    );
    const pades = await createPadesKey({ commonName: r.name, organisation: r.organisationName, notAfter: validTo, issuer: ca.p256 });
    const seal: Seal = {
      id,
      esId,
      organisationCode: r.organisationCode,
      organisationName: r.organisationName,
      name: r.name,
      type: r.type,
      picture,
      sm2PublicKey: keyPair.publicKey,
      sm2PrivateKey: keyPair.privateKey.blob,
      sm2Certificate,
      sealDer,
      padesCertificate: pades.certificate,
      padesFingerprint: createHash('sha256').update(pades.certificate).digest('hex'),
      padesKeyEnc: this.crypto.encrypt(KEY_LABEL, pades.pkcs8, id),
      padesIssuer: SEAL_CA_P256_ID,
      validFrom: now,
      validTo,
      revokedAt: null,
      revokedReason: null,
      createdAt: now,
    };
    await this.dataSource.transaction(async (m) => {
      await m.insert(Seal, seal);
      for (const grantee of r.grantees) await m.insert(SealGrant, { sealId: id, grantee, grantedBy: r.by });
    });
    return seal;
  }

  async grant(sealId: string, grantee: string, by: string): Promise<void> {
    await this.find(sealId);
    await this.dataSource.createQueryBuilder().insert().into(SealGrant).values({ sealId, grantee, grantedBy: by }).orIgnore().execute();
  }

  /** Revokes a seal from `effectiveFrom` (default now; earlier when a key was compromised before it was reported). */
  /** Whether the app may use the seal (its issuer's own systems). */
  isGrantee(sealId: string, app: string): Promise<boolean> {
    return this.dataSource.getRepository(SealGrant).existsBy({ sealId, grantee: app });
  }

  async revoke(sealId: string, reason: string, effectiveFrom = new Date()): Promise<void> {
    await this.find(sealId);
    await this.dataSource.getRepository(Seal).update({ id: sealId }, { revokedAt: effectiveFrom, revokedReason: reason });
  }

  async find(sealId: string): Promise<Seal> {
    const seal = await this.dataSource.getRepository(Seal).findOneBy({ id: sealId });
    if (!seal) throw SealProblem.UNKNOWN_SEAL(sealId);
    return seal;
  }

  uses(sealId: string): Promise<SealUse[]> {
    return this.dataSource.getRepository(SealUse).find({ where: { sealId }, order: { at: 'DESC' }, take: 200 });
  }

  async signData(meta: CallMeta, input: SealSignDataInput): Promise<SealSignDataReply> {
    const data = Buffer.from(input.data, 'base64');
    const hash = this.crypto.sm3(data).toString('hex');
    const seal = await this.usable(meta, input.sealId, 'data', hash);
    const signedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    const signature = signWithSeal({
      seal: seal.sealDer,
      data,
      propertyInfo: input.propertyInfo ?? 'data',
      signer: this.signerOf(seal),
      signerCertificate: seal.sm2Certificate,
      time: signedAt,
    });
    await this.log(meta, seal.id, 'data', hash, 'SIGNED', null);
    return { signature: signature.toString('base64'), esID: seal.esId, signedAt: signedAt.toISOString() };
  }

  async sealPdf(meta: CallMeta, input: SealPdfInput): Promise<SealPdfReply> {
    const pdf = Buffer.from(input.pdf, 'base64');
    const seal = await this.usable(meta, input.sealId, 'pdf', createHash('sha256').update(pdf).digest('hex'));
    let sealed: Buffer;
    try {
      sealed = await sealPdf(pdf, {
        key: await this.padesKeyOf(seal),
        picture: await this.pictureOf(seal),
        sealName: seal.name,
        organisation: seal.organisationName,
        placement: {
          ...(input.page !== undefined ? { page: input.page } : {}),
          ...(input.x !== undefined ? { x: input.x } : {}),
          ...(input.y !== undefined ? { y: input.y } : {}),
          ...(input.size !== undefined ? { size: input.size } : {}),
        },
      });
    } catch (err) {
      if (err instanceof PdfSealError) throw SealProblem.PDF_NOT_SEALABLE(err.message);
      throw err;
    }
    const sha256 = createHash('sha256').update(sealed).digest('hex');
    await this.log(meta, seal.id, 'pdf', sha256, 'SIGNED', null);
    return { pdf: sealed.toString('base64'), sha256, signedAt: verifyPdfSignature(sealed).signedAt ?? new Date().toISOString() };
  }

  /**
   * Verifies a sealed PDF or a GB/T 38540 signature over data: the cryptography first, then the
   * registry — the seal is one of ours, it was valid and not revoked when it signed, and the
   * platform recorded that use.
   */
  async verify(input: SealVerifyInput): Promise<SealVerifyReply> {
    if (input.pdf !== undefined && (input.signature !== undefined || input.data !== undefined)) throw SealProblem.VERIFY_INPUT_INVALID();
    if (input.pdf !== undefined) {
      const pdf = Buffer.from(input.pdf, 'base64');
      const check = verifyPdfSignature(pdf);
      const seal = check.fingerprint ? await this.dataSource.getRepository(Seal).findOneBy({ padesFingerprint: check.fingerprint }) : null;
      const signedAt = check.signedAt ? new Date(check.signedAt) : null;
      const used = seal
        ? await this.dataSource
            .getRepository(SealUse)
            .existsBy({ sealId: seal.id, kind: 'pdf', documentHash: createHash('sha256').update(pdf).digest('hex'), outcome: 'SIGNED' })
        : false;
      return this.verdict(
        { signatureValid: check.signatureValid, documentUnchanged: check.signatureValid && check.coversWholeDocument },
        seal,
        signedAt,
        used,
      );
    }
    if (input.signature === undefined || input.data === undefined) throw SealProblem.VERIFY_INPUT_INVALID();
    const data = Buffer.from(input.data, 'base64');
    const makers = (await this.dataSource.getRepository(SealMaker).find()).map((m) => m.publicKey);
    const result = verifySesSignature(Buffer.from(input.signature, 'base64'), data, makers);
    const seal = result.esID ? await this.dataSource.getRepository(Seal).findOneBy({ esId: result.esID }) : null;
    const used = seal
      ? await this.dataSource
          .getRepository(SealUse)
          .existsBy({ sealId: seal.id, kind: 'data', documentHash: this.crypto.sm3(data).toString('hex'), outcome: 'SIGNED' })
      : false;
    const { documentUnchanged, ...rest } = result.checks;
    return this.verdict(
      { signatureValid: Object.values(rest).every(Boolean), documentUnchanged },
      seal,
      result.signedAt ? new Date(result.signedAt) : null,
      used,
      result.checks,
    );
  }

  private verdict(
    crypto: { signatureValid: boolean; documentUnchanged: boolean },
    seal: Seal | null,
    signedAt: Date | null,
    used: boolean,
    detail: Record<string, boolean> = {},
  ): SealVerifyReply {
    const at = signedAt?.getTime() ?? NaN;
    const checks = {
      ...detail,
      signatureValid: crypto.signatureValid,
      documentUnchanged: crypto.documentUnchanged,
      sealRegistered: seal !== null,
      sealValidAtSigning: seal !== null && seal.validFrom.getTime() - 1000 <= at && at <= seal.validTo.getTime(),
      notRevokedAtSigning: seal !== null && (seal.revokedAt === null || seal.revokedAt.getTime() > at),
      useRecorded: used,
    };
    const order: [keyof typeof checks, string][] = [
      ['signatureValid', 'SIGNATURE_INVALID'],
      ['documentUnchanged', 'DOCUMENT_CHANGED'],
      ['sealRegistered', 'UNKNOWN_SEAL'],
      ['notRevokedAtSigning', 'SEAL_REVOKED'],
      ['sealValidAtSigning', 'SEAL_EXPIRED'],
      ['useRecorded', 'USE_NOT_RECORDED'],
    ];
    const failed = order.find(([k]) => !checks[k]);
    return {
      valid: !failed && Object.values(checks).every(Boolean),
      ...(failed ? { reason: failed[1] } : {}),
      checks,
      ...(seal ? { esID: seal.esId, sealName: seal.name, organisation: seal.organisationName } : {}),
      ...(signedAt ? { signedAt: signedAt.toISOString() } : {}),
    };
  }

  /** The seal, if the calling app may use it now; otherwise the refusal is logged and thrown. */
  private async usable(meta: CallMeta, sealId: string, kind: SealUse['kind'], documentHash: string): Promise<Seal> {
    const seal = await this.find(sealId);
    const now = Date.now();
    const refusal =
      seal.revokedAt && seal.revokedAt.getTime() <= now
        ? SealProblem.SEAL_REVOKED
        : now < seal.validFrom.getTime() || now > seal.validTo.getTime()
          ? SealProblem.SEAL_EXPIRED
          : !(await this.isGrantee(sealId, meta.app))
            ? SealProblem.SEAL_NOT_GRANTED
            : null;
    if (refusal) {
      await this.log(meta, sealId, kind, documentHash, 'REFUSED', refusal.code);
      throw refusal(sealId);
    }
    return seal;
  }

  private async log(
    meta: CallMeta,
    sealId: string,
    kind: SealUse['kind'],
    documentHash: string,
    outcome: SealUse['outcome'],
    reason: string | null,
  ): Promise<void> {
    await this.dataSource.getRepository(SealUse).insert({
      id: randomUUID(),
      sealId,
      app: meta.app,
      endUser: meta.endUser ?? null,
      purpose: meta.purpose ?? null,
      kind,
      documentHash,
      outcome,
      reason,
      correlationId: meta.correlationId,
    });
  }

  private signerOf(seal: Seal) {
    return providerSigner(this.crypto, {
      publicKey: seal.sm2PublicKey,
      privateKey: { provider: this.crypto.name, blob: seal.sm2PrivateKey },
    });
  }

  /** The seal's PDF key and certificate, with the CA certificate as its chain (none for a self-signed certificate from before the CA). */
  private async padesKeyOf(seal: Seal): Promise<PadesKey> {
    let key = this.padesKeys.get(seal.id);
    if (!key) {
      const chain = seal.padesIssuer ? [Buffer.from((await this.sealCa()).p256.certificate)] : [];
      key = {
        privateKey: createPrivateKey({ key: this.crypto.decrypt(KEY_LABEL, seal.padesKeyEnc, seal.id), format: 'der', type: 'pkcs8' }),
        certificate: seal.padesCertificate,
        chain,
      };
      this.padesKeys.set(seal.id, key);
    }
    return key;
  }

  private async pictureOf(seal: Seal): Promise<PreparedPicture> {
    let picture = this.pictures.get(seal.id);
    if (!picture) {
      picture = await preparePicture(seal.picture);
      this.pictures.set(seal.id, picture);
    }
    return picture;
  }

  /** The platform seal CA, created once (first start) and kept: keys with the crypto provider, as the seals' keys are. */
  private sealCa(): Promise<LoadedSealCa> {
    this.caLoading ??= this.loadSealCa().catch((err: unknown) => {
      this.caLoading = null; // a failed first attempt (database not ready) is tried again
      throw err;
    });
    return this.caLoading;
  }

  private async loadSealCa(): Promise<LoadedSealCa> {
    const repo = this.dataSource.getRepository(SealCa);
    const notAfter = new Date(Date.now() + CA_YEARS * 365 * 86_400_000);
    if (!(await repo.existsBy({ id: SEAL_CA_P256_ID }))) {
      const made = await createPadesCa({ ...CA_P256_NAME, notAfter });
      // Another instance may create it at the same moment: the first insert wins, everyone reads that one.
      await repo
        .createQueryBuilder()
        .insert()
        .values({
          id: SEAL_CA_P256_ID,
          algorithm: 'p256',
          sm2PublicKey: null,
          sm2PrivateKey: null,
          keyEnc: this.crypto.encrypt(KEY_LABEL, made.pkcs8, SEAL_CA_P256_ID),
          certificate: made.certificate,
        })
        .orIgnore()
        .execute();
    }
    if (!(await repo.existsBy({ id: SEAL_CA_SM2_ID }))) {
      const pair = this.crypto.generateSm2KeyPair();
      const certificate = issueSm2Certificate({
        subject: CA_SM2_NAME,
        publicKey: pair.publicKey,
        issuer: { name: CA_SM2_NAME, signer: providerSigner(this.crypto, pair) },
        ca: true,
        notAfter,
      });
      await repo
        .createQueryBuilder()
        .insert()
        .values({
          id: SEAL_CA_SM2_ID,
          algorithm: 'sm2',
          sm2PublicKey: pair.publicKey,
          sm2PrivateKey: pair.privateKey.blob,
          keyEnc: null,
          certificate,
        })
        .orIgnore()
        .execute();
    }
    const p256 = await repo.findOneByOrFail({ id: SEAL_CA_P256_ID });
    const sm2 = await repo.findOneByOrFail({ id: SEAL_CA_SM2_ID });
    return {
      p256: { certificate: p256.certificate, pkcs8: this.crypto.decrypt(KEY_LABEL, p256.keyEnc!, SEAL_CA_P256_ID) },
      sm2: { certificate: sm2.certificate, publicKey: sm2.sm2PublicKey!, privateKeyBlob: sm2.sm2PrivateKey! },
    };
  }

  /** The platform's seal maker, created (key wrapped by the crypto provider) on first use. */
  private async maker(): Promise<SealMaker> {
    const repo = this.dataSource.getRepository(SealMaker);
    const existing = await repo.findOneBy({ id: MAKER_ID });
    if (existing) return existing;
    const pair = this.crypto.generateSm2KeyPair();
    const signer = providerSigner(this.crypto, pair);
    const certificate = issueSm2Certificate({
      subject: MAKER_NAME,
      publicKey: pair.publicKey,
      issuer: { name: MAKER_NAME, signer },
      ca: true,
      notAfter: new Date(Date.now() + 20 * 365 * 86_400_000),
    });
    await repo
      .createQueryBuilder()
      .insert()
      .values({ id: MAKER_ID, publicKey: pair.publicKey, privateKey: pair.privateKey.blob, certificate })
      .orIgnore()
      .execute();
    return repo.findOneByOrFail({ id: MAKER_ID });
  }
}
