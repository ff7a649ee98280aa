import { randomInt, randomUUID } from 'node:crypto';
import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Ajv, type ValidateFunction } from 'ajv';
import canonicalize from 'canonicalize';
import { type DataSource, type EntityManager, IsNull } from 'typeorm';
import {
  type CallMeta,
  type LicenceChangedEvent,
  type LicenceChangeInput,
  type LicenceChangeReply,
  type LicenceIssueInput,
  type LicenceIssueReply,
  type LicencePdfReply,
  type LicenceRecordReply,
  type LicenceStatus,
  type LicenceUseGrantInput,
  type LicenceUseGrantReply,
  type LicenceUseWithdrawInput,
  type LicenceUseWithdrawReply,
  type LicenceVerifyReply,
  subjectKeyOf,
  Topic,
} from '@gmp/contracts';
import type { CryptoProvider } from '@gmp/gm-crypto';
import { loadLicenceFont, renderLicencePdf } from '@gmp/e-licence';
import { buildLicenceId, isLicenceId } from '@gmp/gov-standards';
import { derivedEventId, OutboxService, quoteTablePath } from '@gmp/messaging';
import { CRYPTO_PROVIDER, ServiceConfig } from '@gmp/service-kit';
import { AccountsService, AgentsService } from '@gmp/tech-identity';
import { SealService } from '@gmp/tech-seal';
import { LicenceAnnotationRow } from './licence-annotation.entity.js';
import { LicenceDocument } from './licence-document.entity.js';
import { LicenceQueryService } from './licence-query.service.js';
import { LicenceUseAuthorisation } from './licence-use-authorisation.entity.js';
import { LicenceType } from './licence-type.entity.js';
import { Licence } from './licence.entity.js';
import { LicenceProblem } from './licence.problems.js';
import { LicenceConfig } from './licence.config.js';

const HOLDER_LABEL = 'field:holder-id';
const PROPERTY = 'e-licence-record';
/** The agent scope that lets a company's agent grant use of the company's licences. */
const AGENT_SCOPE = 'licence:authorise';

/**
 * The life of an e-licence (电子证照): issued from structured data checked against its type's
 * schema, identified per GB/T 36904, its record signed (GB/T 38540) with the issuing
 * authority's seal — which the calling app must be allowed to use — then read, verified,
 * revoked or annotated (加注件). Every change is announced through the outbox so the data
 * platform's licence index stays current.
 */
@Injectable()
export class LicenceLifecycleService implements OnModuleInit {
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CRYPTO_PROVIDER) private readonly crypto: CryptoProvider,
    private readonly config: ServiceConfig,
    private readonly licenceConfig: LicenceConfig,
    private readonly seals: SealService,
    private readonly outbox: OutboxService,
    private readonly access: LicenceQueryService,
    private readonly accounts: AccountsService,
    private readonly agents: AgentsService,
  ) {}

  /** The licence font is read at start: a missing or unreadable LICENCE_FONT_PATH stops the service, not the first issue. */
  async onModuleInit(): Promise<void> {
    await loadLicenceFont(this.licenceConfig.LICENCE_FONT_PATH);
  }

  async issue(meta: CallMeta, input: LicenceIssueInput): Promise<LicenceIssueReply> {
    const type = await this.dataSource.getRepository(LicenceType).findOneBy({ code: input.typeCode });
    if (!type) throw LicenceProblem.UNKNOWN_LICENCE_TYPE(input.typeCode);
    if (type.holderType !== input.holderType)
      throw LicenceProblem.HOLDER_TYPE_MISMATCH(
        `该证照类型的持证主体须为 ${type.holderType} (this type is for ${type.holderType} holders)`,
      );
    const problems = this.schemaProblems(type, input.data);
    if (problems.length > 0)
      throw LicenceProblem.LICENCE_DATA_INVALID(
        problems.join('; '),
        problems.map((p) => ({ field: 'data', message: p })),
      );
    const seal = await this.seals.find(input.sealId);
    const today = new Date().toISOString().slice(0, 10);
    const validUntil =
      input.validUntil ?? (type.validityYears ? `${Number(today.slice(0, 4)) + type.validityYears}${today.slice(4)}` : undefined);
    if (validUntil && validUntil <= today)
      throw LicenceProblem.INVALID_VALIDITY('有效期截止日须晚于签发日 (validUntil must be after the issue date)');
    const serial = `${today.replace(/-/g, '')}${randomInt(100_000, 1_000_000)}`;
    const licenceId = buildLicenceId({ typeCode: type.code, issuerCode: seal.organisationCode, serial, version: '001' });
    const licence: Licence = {
      licenceId,
      typeCode: type.code,
      number: `${seal.organisationCode.slice(2, 8)}${serial}`,
      holderName: input.holderName,
      holderType: input.holderType,
      holderKey: subjectKeyOf(input.holderId, this.config.SUBJECT_KEY_SECRET),
      holderIdMasked: mask(input.holderId),
      issuerCode: seal.organisationCode,
      issuerName: seal.organisationName,
      issueDate: today,
      validUntil: validUntil ?? null,
      status: 'valid',
      data: input.data,
      holderIdEnc: this.crypto.encrypt(HOLDER_LABEL, input.holderId.toUpperCase(), licenceId),
      signature: null,
      sealId: seal.id,
      revokedAt: null,
      revokedReason: null,
      createdAt: new Date(),
    } as Licence;
    // The seal service checks that the calling app may use the issuing seal, signs, and logs the use.
    const signed = await this.seals.signData(meta, {
      sealId: seal.id,
      data: Buffer.from(this.record(licence, input.holderId)).toString('base64'),
      propertyInfo: PROPERTY,
    });
    licence.signature = Buffer.from(signed.signature, 'base64');
    // The document (版式文件): rendered, then sealed with the same seal (visible seal + PAdES; a logged use).
    const rendered = await renderLicencePdf(
      {
        typeName: type.name,
        licenceId,
        number: licence.number,
        holderName: input.holderName,
        holderType: input.holderType,
        holderIdShown: input.holderType === 'company' ? input.holderId.toUpperCase() : mask(input.holderId),
        issuerName: seal.organisationName,
        issueDate: today,
        validUntil: validUntil ?? null,
        items: itemsOf(type, input.data),
      },
      { font: await loadLicenceFont(this.licenceConfig.LICENCE_FONT_PATH) },
    );
    const sealed = await this.seals.sealPdf(meta, { sealId: seal.id, pdf: rendered.toString('base64') });
    await this.dataSource.transaction(async (m) => {
      await m.insert(Licence, licence as never);
      await m.insert(LicenceDocument, { licenceId, pdf: Buffer.from(sealed.pdf, 'base64'), sha256: sealed.sha256 });
      await this.announce(m, meta, 'issued', licence);
    });
    return {
      licenceId,
      number: licence.number,
      issueDate: today,
      ...(validUntil ? { validUntil } : {}),
      signature: signed.signature,
      pdfSha256: sealed.sha256,
    };
  }

  /** A licence's record, for a caller with a basis (holder, authorisation, legal basis or the issuer's own system); the read is logged. */
  async get(meta: CallMeta, licenceId: string): Promise<LicenceRecordReply> {
    const licence = await this.readable(meta, licenceId);
    const type = await this.dataSource.getRepository(LicenceType).findOneByOrFail({ code: licence.typeCode });
    const annotations = await this.dataSource.getRepository(LicenceAnnotationRow).find({ where: { licenceId }, order: { seq: 'ASC' } });
    return {
      licenceId,
      typeCode: licence.typeCode,
      typeName: type.name,
      number: licence.number,
      holderName: licence.holderName,
      holderType: licence.holderType,
      holderIdMasked: licence.holderIdMasked,
      issuerCode: licence.issuerCode,
      issuerName: licence.issuerName,
      issueDate: String(licence.issueDate),
      ...(licence.validUntil ? { validUntil: String(licence.validUntil) } : {}),
      status: statusOf(licence),
      ...(licence.data ? { data: licence.data } : {}),
      annotations: annotations.map((a) => ({ text: a.text, by: a.by, at: a.at.toISOString() })),
      ...(licence.signature ? { signature: licence.signature.toString('base64') } : {}),
    };
  }

  /** The sealed PDF as issued, under the same rule as get; the read is logged. */
  async getPdf(meta: CallMeta, licenceId: string): Promise<LicencePdfReply> {
    await this.readable(meta, licenceId);
    const doc = await this.dataSource.getRepository(LicenceDocument).findOneBy({ licenceId });
    if (!doc) throw LicenceProblem.NO_DOCUMENT(licenceId);
    return { licenceId, pdf: doc.pdf.toString('base64'), sha256: createHash('sha256').update(doc.pdf).digest('hex') };
  }

  /** The licence, if this caller may read it — the read recorded (access log + LicenceAccessed) — else a logged 403. */
  private async readable(meta: CallMeta, licenceId: string): Promise<Licence> {
    const licence = await this.find(licenceId);
    const basis = await this.access.basisForLicence(meta, licence);
    if (!basis) return this.access.refuse(meta, { subjectKey: licence.holderKey, holderType: licence.holderType });
    await this.access.recordRead(meta, { subjectKey: licence.holderKey, holderType: licence.holderType }, [licenceId], basis);
    return licence;
  }

  /** Identifier check character, the seal's signature over the record (with the seal registry's verdict), status and validity. */
  async verify(licenceId: string): Promise<LicenceVerifyReply> {
    const identifierValid = isLicenceId(licenceId);
    const licence = await this.find(licenceId);
    const status = statusOf(licence);
    let seal: { valid: boolean; reason?: string; checks: Record<string, boolean> } = { valid: false, reason: 'NOT_SIGNED', checks: {} };
    if (licence.signature && licence.holderIdEnc) {
      const holderId = this.crypto.decrypt(HOLDER_LABEL, licence.holderIdEnc, licenceId).toString();
      seal = await this.seals.verify({
        signature: licence.signature.toString('base64'),
        data: Buffer.from(this.record(licence, holderId)).toString('base64'),
      });
    }
    const checks = { identifierValid, sealSignatureValid: seal.valid, notRevoked: status !== 'revoked', notExpired: status !== 'expired' };
    const reason = !identifierValid
      ? 'IDENTIFIER_INVALID'
      : status === 'revoked'
        ? 'REVOKED'
        : status === 'expired'
          ? 'EXPIRED'
          : !seal.valid
            ? seal.reason === 'DOCUMENT_CHANGED'
              ? 'RECORD_CHANGED'
              : (seal.reason ?? 'SIGNATURE_INVALID')
            : undefined;
    return {
      valid: reason === undefined,
      status,
      ...(reason ? { reason } : {}),
      checks: { ...checks, ...Object.fromEntries(Object.entries(seal.checks).map(([k, v]) => [`seal.${k}`, v])) },
    };
  }

  /** Revokes (注销) or annotates (加注) a licence: only an app that may use the issuing seal. */
  async change(meta: CallMeta, input: LicenceChangeInput): Promise<LicenceChangeReply> {
    const licence = await this.find(input.licenceId);
    if (!licence.sealId) throw LicenceProblem.NOT_ISSUED_HERE(input.licenceId);
    // Proves the caller may act for the issuer: signs the change with the issuing seal (logged as a seal use).
    await this.seals.signData(meta, {
      sealId: licence.sealId,
      data: Buffer.from(canonicalize({ licenceId: input.licenceId, action: input.action, text: input.text })!).toString('base64'),
      propertyInfo: `e-licence-${input.action}`,
    });
    if (input.action === 'revoke' && statusOf(licence) === 'revoked') throw LicenceProblem.ALREADY_REVOKED(input.licenceId);
    const count = await this.dataSource.transaction(async (m) => {
      if (input.action === 'revoke') {
        await m.update(Licence, { licenceId: input.licenceId }, { status: 'revoked', revokedAt: new Date(), revokedReason: input.text });
      } else {
        const [{ next }] = await m.query(
          `SELECT coalesce(max(seq), 0) + 1 AS next FROM ${quoteTablePath(m.getRepository(LicenceAnnotationRow).metadata.tablePath)} WHERE licence_id = $1`,
          [input.licenceId],
        );
        await m.insert(LicenceAnnotationRow, { licenceId: input.licenceId, seq: Number(next), text: input.text, by: meta.app });
      }
      const updated = await m.findOneByOrFail(Licence, { licenceId: input.licenceId });
      await this.announce(m, meta, input.action === 'revoke' ? 'revoked' : 'annotated', updated);
      return m.countBy(LicenceAnnotationRow, { licenceId: input.licenceId });
    });
    const after = await this.find(input.licenceId);
    return { licenceId: input.licenceId, status: statusOf(after), annotations: count };
  }

  /**
   * 用证授权: by the holder, signed in (the end user of a user token), for their own licences —
   * or by a company's agent (经办人) holding a current authorisation with scope
   * `licence:authorise` from that company, for the company's licences.
   */
  async authoriseUse(meta: CallMeta, input: LicenceUseGrantInput): Promise<LicenceUseGrantReply> {
    const person = await this.signedInHolder(meta);
    const validUntil = new Date(input.validUntil);
    if (validUntil.getTime() <= Date.now())
      throw LicenceProblem.INVALID_VALIDITY('授权截止时间须晚于现在 (validUntil must be in the future)');
    if (validUntil.getTime() > Date.now() + 366 * 86_400_000)
      throw LicenceProblem.INVALID_VALIDITY('授权期限不得超过一年 (an authorisation lasts at most a year)');
    let holderKey = input.companyCreditCode ? subjectKeyOf(input.companyCreditCode, this.config.SUBJECT_KEY_SECRET) : person.idKey;
    if (input.licenceId) {
      const licence = await this.find(input.licenceId);
      if (input.companyCreditCode && licence.holderKey !== holderKey) throw LicenceProblem.LICENCE_NOT_HELD_BY_COMPANY();
      holderKey = licence.holderKey;
    }
    if (!(await this.mayActFor(person, holderKey))) throw LicenceProblem.NOT_HOLDER_OR_AGENT();
    const id = randomUUID();
    await this.dataSource.getRepository(LicenceUseAuthorisation).insert({
      id,
      holderKey,
      licenceId: input.licenceId ?? null,
      grantee: input.grantee,
      purpose: input.purpose ?? null,
      caseId: input.caseId ?? null,
      validUntil,
      withdrawnAt: null,
      grantedBy: person.id,
    });
    return { authorisationId: id, validUntil: validUntil.toISOString() };
  }

  /** Withdrawn at once, by the holder or (for a company) any of its current agents with scope licence:authorise. */
  async withdrawUse(meta: CallMeta, input: LicenceUseWithdrawInput): Promise<LicenceUseWithdrawReply> {
    const person = await this.signedInHolder(meta);
    const repo = this.dataSource.getRepository(LicenceUseAuthorisation);
    const grant = await repo.findOneBy({ id: input.authorisationId, withdrawnAt: IsNull() });
    const res =
      grant && (await this.mayActFor(person, grant.holderKey))
        ? await repo.update({ id: grant.id, withdrawnAt: IsNull() }, { withdrawnAt: new Date() })
        : null;
    if (!res?.affected) throw LicenceProblem.AUTHORISATION_NOT_FOUND(input.authorisationId);
    return { authorisationId: input.authorisationId, withdrawn: true };
  }

  /** The person is the holder, or a current agent of the company holder with scope licence:authorise (asked of the identity module). */
  private async mayActFor(person: { id: string; idKey: string }, holderKey: string): Promise<boolean> {
    return holderKey === person.idKey || this.agents.actsFor(person.id, holderKey, AGENT_SCOPE);
  }

  private async signedInHolder(meta: CallMeta): Promise<{ id: string; idKey: string }> {
    const account =
      meta.endUser && meta.endUserAuthenticated && /^[0-9a-f-]{36}$/.test(meta.endUser) ? await this.accounts.find(meta.endUser) : null;
    if (!account) throw LicenceProblem.HOLDER_NOT_SIGNED_IN();
    return account;
  }

  /**
   * Marks licences whose validity ended as expired and announces each (the data platform's
   * index learns of it); runs hourly and at start. Each licence is announced once.
   */
  async expireDue(): Promise<number> {
    const ids: { licence_id: string }[] = await this.dataSource.query(
      `SELECT licence_id FROM ${quoteTablePath(this.dataSource.getRepository(Licence).metadata.tablePath)} WHERE status = 'valid' AND valid_until < current_date LIMIT 1000`,
    );
    let n = 0;
    for (const { licence_id } of ids) {
      await this.dataSource.transaction(async (m) => {
        const res = await m.update(Licence, { licenceId: licence_id, status: 'valid' }, { status: 'expired' });
        if (!res.affected) return; // another instance got there first
        const meta: CallMeta = {
          messageId: derivedEventId(licence_id, 'licence-expired'),
          correlationId: `licence-expiry.${Date.now()}`,
          app: 'tech-capabilities',
          sentAt: new Date().toISOString(),
        };
        await this.announce(m, meta, 'expired', await m.findOneByOrFail(Licence, { licenceId: licence_id }), meta.messageId);
        n++;
      });
    }
    return n;
  }

  private async announce(
    m: EntityManager,
    meta: CallMeta,
    change: LicenceChangedEvent['change'],
    l: Licence,
    eventId?: string,
  ): Promise<void> {
    const event: LicenceChangedEvent = {
      meta: { ...meta, messageId: eventId ?? derivedEventId(meta.messageId, `licence-${change}`), sentAt: new Date().toISOString() },
      change,
      licenceId: l.licenceId,
      typeCode: l.typeCode,
      holderKey: l.holderKey,
      holderType: l.holderType,
      issuerCode: l.issuerCode,
      status: statusOf(l),
      ...(l.validUntil ? { validUntil: String(l.validUntil) } : {}),
      at: new Date().toISOString(),
    };
    await this.outbox.enqueue(m, Topic.LicenceChanged, l.holderKey, event);
  }

  private async find(licenceId: string): Promise<Licence> {
    const licence = await this.dataSource.getRepository(Licence).findOneBy({ licenceId });
    if (!licence) throw LicenceProblem.NOT_FOUND(licenceId);
    return licence;
  }

  /** The record the issuing seal signs: GB/T 36902/36903 fields and the data items, as canonical JSON (RFC 8785). */
  private record(l: Licence, holderId: string): string {
    return canonicalize({
      licenceId: l.licenceId,
      typeCode: l.typeCode,
      number: l.number,
      holderType: l.holderType,
      holderId: holderId.toUpperCase(),
      holderName: l.holderName,
      issuerCode: l.issuerCode,
      issuerName: l.issuerName,
      issueDate: String(l.issueDate),
      validUntil: l.validUntil ? String(l.validUntil) : null,
      data: l.data ?? {},
    })!;
  }

  private schemaProblems(type: LicenceType, data: Record<string, unknown>): string[] {
    if (!type.dataSchema) return [];
    let validate = this.validators.get(type.code);
    if (!validate) {
      validate = this.ajv.compile(type.dataSchema);
      this.validators.set(type.code, validate);
    }
    return validate(data)
      ? []
      : (validate.errors ?? []).map(
          (e) =>
            `${e.instancePath || '/'} ${e.message ?? 'invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params['additionalProperty'])})` : ''}`,
        );
  }
}

function statusOf(l: Licence): LicenceStatus {
  if (l.status === 'revoked') return 'revoked';
  if (l.validUntil && String(l.validUntil) < new Date().toISOString().slice(0, 10)) return 'expired';
  return l.status;
}

/** Data items in the type schema's order, labelled with each property's `title` (else its key). */
function itemsOf(type: LicenceType, data: Record<string, unknown>): { label: string; value: string }[] {
  const props = ((type.dataSchema as { properties?: Record<string, { title?: string }> } | null)?.properties ?? {}) as Record<
    string,
    { title?: string }
  >;
  const keys = [...Object.keys(props).filter((k) => k in data), ...Object.keys(data).filter((k) => !(k in props))];
  return keys.map((k) => ({
    label: props[k]?.title ?? k,
    value: typeof data[k] === 'string' ? (data[k] as string) : JSON.stringify(data[k]),
  }));
}

function mask(id: string): string {
  return `${id.slice(0, 6)}********${id.slice(-4)}`;
}
