import { createHash, createPrivateKey, randomInt, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { CallMeta, SealPdfInput, SealPdfReply, SealSignDataInput, SealSignDataReply, SealVerifyInput, SealVerifyReply } from '@gmp/contracts';
import {
  createPadesKey,
  issueSm2Certificate,
  makeSeal,
  makeSealPng,
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
import { Seal, SealGrant, SealMaker, SealUse } from './seal.entities.js';

const MAKER_ID = 'seal-maker-1';
const MAKER_NAME = sm2Name('政务中台电子印章制章系统 (seal maker)', '政务中台 (government middle platform)');
const KEY_LABEL = 'seal-key';

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
export class SealService {
  private readonly pictures = new Map<string, PreparedPicture>();
  private readonly padesKeys = new Map<string, PadesKey>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CRYPTO_PROVIDER) private readonly crypto: CryptoProvider,
  ) {}

  async register(r: RegisterSeal): Promise<Seal> {
    const maker = await this.maker();
    const id = r.id ?? randomUUID();
    const now = new Date();
    const validTo = new Date(Date.UTC(now.getUTCFullYear() + r.validYears, now.getUTCMonth(), now.getUTCDate()));
    const keyPair = this.crypto.generateSm2KeyPair();
    const makerSigner = providerSigner(this.crypto, { publicKey: maker.publicKey, privateKey: { provider: this.crypto.name, blob: maker.privateKey } });
    const sm2Certificate = issueSm2Certificate({ subject: sm2Name(r.name, r.organisationName), publicKey: keyPair.publicKey, issuer: { name: MAKER_NAME, signer: makerSigner }, notAfter: validTo });
    const picture = makeSealPng(256);
    const esId = `${r.organisationCode.slice(2, 8)}${randomInt(10_000_000, 100_000_000)}`;
    const sealDer = makeSeal({ esID: esId, name: r.name, type: r.type, png: picture, signerCertificates: [sm2Certificate], validStart: now, validEnd: validTo }, { certificate: maker.certificate, signer: makerSigner });
    const pades = await createPadesKey({ commonName: r.name, organisation: r.organisationName, notAfter: validTo });
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
  async revoke(sealId: string, reason: string, effectiveFrom = new Date()): Promise<void> {
    await this.find(sealId);
    await this.dataSource.getRepository(Seal).update({ id: sealId }, { revokedAt: effectiveFrom, revokedReason: reason });
  }

  async find(sealId: string): Promise<Seal> {
    const seal = await this.dataSource.getRepository(Seal).findOneBy({ id: sealId });
    if (!seal) throw new RpcException({ code: 'NOT_FOUND', status: 404, message: `印章不存在 (seal ${sealId} not found)`, reason: 'UNKNOWN_SEAL' });
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
    const signature = signWithSeal({ seal: seal.sealDer, data, propertyInfo: input.propertyInfo ?? 'data', signer: this.signerOf(seal), signerCertificate: seal.sm2Certificate, time: signedAt });
    await this.log(meta, seal.id, 'data', hash, 'SIGNED', null);
    return { signature: signature.toString('base64'), esID: seal.esId, signedAt: signedAt.toISOString() };
  }

  async sealPdf(meta: CallMeta, input: SealPdfInput): Promise<SealPdfReply> {
    const pdf = Buffer.from(input.pdf, 'base64');
    const seal = await this.usable(meta, input.sealId, 'pdf', createHash('sha256').update(pdf).digest('hex'));
    let sealed: Buffer;
    try {
      sealed = await sealPdf(pdf, {
        key: this.padesKeyOf(seal),
        picture: await this.pictureOf(seal),
        sealName: seal.name,
        organisation: seal.organisationName,
        placement: { ...(input.page !== undefined ? { page: input.page } : {}), ...(input.x !== undefined ? { x: input.x } : {}), ...(input.y !== undefined ? { y: input.y } : {}), ...(input.size !== undefined ? { size: input.size } : {}) },
      });
    } catch (err) {
      if (err instanceof PdfSealError) throw new RpcException({ code: 'INVALID_MESSAGE', status: 422, message: err.message });
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
    if (input.pdf !== undefined && (input.signature !== undefined || input.data !== undefined)) throw refuse('给出 pdf，或 signature 与 data (give pdf, or signature and data)');
    if (input.pdf !== undefined) {
      const pdf = Buffer.from(input.pdf, 'base64');
      const check = verifyPdfSignature(pdf);
      const seal = check.fingerprint ? await this.dataSource.getRepository(Seal).findOneBy({ padesFingerprint: check.fingerprint }) : null;
      const signedAt = check.signedAt ? new Date(check.signedAt) : null;
      const used = seal ? await this.dataSource.getRepository(SealUse).existsBy({ sealId: seal.id, kind: 'pdf', documentHash: createHash('sha256').update(pdf).digest('hex'), outcome: 'SIGNED' }) : false;
      return this.verdict({ signatureValid: check.signatureValid, documentUnchanged: check.signatureValid && check.coversWholeDocument }, seal, signedAt, used);
    }
    if (input.signature === undefined || input.data === undefined) throw refuse('给出 pdf，或 signature 与 data (give pdf, or signature and data)');
    const data = Buffer.from(input.data, 'base64');
    const makers = (await this.dataSource.getRepository(SealMaker).find()).map((m) => m.publicKey);
    const result = verifySesSignature(Buffer.from(input.signature, 'base64'), data, makers);
    const seal = result.esID ? await this.dataSource.getRepository(Seal).findOneBy({ esId: result.esID }) : null;
    const used = seal ? await this.dataSource.getRepository(SealUse).existsBy({ sealId: seal.id, kind: 'data', documentHash: this.crypto.sm3(data).toString('hex'), outcome: 'SIGNED' }) : false;
    const { documentUnchanged, ...rest } = result.checks;
    return this.verdict({ signatureValid: Object.values(rest).every(Boolean), documentUnchanged }, seal, result.signedAt ? new Date(result.signedAt) : null, used, result.checks);
  }

  private verdict(crypto: { signatureValid: boolean; documentUnchanged: boolean }, seal: Seal | null, signedAt: Date | null, used: boolean, detail: Record<string, boolean> = {}): SealVerifyReply {
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
    const refusal = seal.revokedAt && seal.revokedAt.getTime() <= now
      ? (['SEAL_REVOKED', '印章已注销 (the seal has been revoked)'] as const)
      : now < seal.validFrom.getTime() || now > seal.validTo.getTime()
        ? (['SEAL_EXPIRED', '印章不在有效期内 (the seal is outside its validity)'] as const)
        : !(await this.dataSource.getRepository(SealGrant).existsBy({ sealId, grantee: meta.app }))
          ? (['SEAL_NOT_GRANTED', '调用方无权使用该印章 (the calling app may not use this seal)'] as const)
          : null;
    if (refusal) {
      await this.log(meta, sealId, kind, documentHash, 'REFUSED', refusal[0]);
      throw new RpcException({ code: 'FORBIDDEN', status: 403, message: `${refusal[1]} [${refusal[0]}]`, reason: refusal[0] });
    }
    return seal;
  }

  private async log(meta: CallMeta, sealId: string, kind: SealUse['kind'], documentHash: string, outcome: SealUse['outcome'], reason: string | null): Promise<void> {
    await this.dataSource.getRepository(SealUse).insert({ id: randomUUID(), sealId, app: meta.app, endUser: meta.endUser ?? null, purpose: meta.purpose ?? null, kind, documentHash, outcome, reason, correlationId: meta.correlationId });
  }

  private signerOf(seal: Seal) {
    return providerSigner(this.crypto, { publicKey: seal.sm2PublicKey, privateKey: { provider: this.crypto.name, blob: seal.sm2PrivateKey } });
  }

  private padesKeyOf(seal: Seal): PadesKey {
    let key = this.padesKeys.get(seal.id);
    if (!key) {
      key = { privateKey: createPrivateKey({ key: this.crypto.decrypt(KEY_LABEL, seal.padesKeyEnc, seal.id), format: 'der', type: 'pkcs8' }), certificate: seal.padesCertificate };
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

  /** The platform's seal maker, created (key wrapped by the crypto provider) on first use. */
  private async maker(): Promise<SealMaker> {
    const repo = this.dataSource.getRepository(SealMaker);
    const existing = await repo.findOneBy({ id: MAKER_ID });
    if (existing) return existing;
    const pair = this.crypto.generateSm2KeyPair();
    const signer = providerSigner(this.crypto, pair);
    const certificate = issueSm2Certificate({ subject: MAKER_NAME, publicKey: pair.publicKey, issuer: { name: MAKER_NAME, signer }, ca: true, notAfter: new Date(Date.now() + 20 * 365 * 86_400_000) });
    await repo.createQueryBuilder().insert().values({ id: MAKER_ID, publicKey: pair.publicKey, privateKey: pair.privateKey.blob, certificate }).orIgnore().execute();
    return repo.findOneByOrFail({ id: MAKER_ID });
  }
}

function refuse(message: string): RpcException {
  return new RpcException({ code: 'INVALID_MESSAGE', status: 422, message });
}
