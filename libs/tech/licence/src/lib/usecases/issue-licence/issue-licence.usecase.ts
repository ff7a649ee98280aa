import { randomInt } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Ajv, type ValidateFunction } from 'ajv';
import type { DataSource } from 'typeorm';
import { type LicenceIssueReply, type LicenceIssueRequest, subjectKeyOf } from '@gmp/contracts';
import { loadLicenceFont, renderLicencePdf } from '@gmp/e-licence';
import { buildLicenceId } from '@gmp/gov-standards';
import { ServiceConfig } from '@gmp/service-kit';
import { SealService } from '@gmp/tech-seal';
import { LicenceDocument } from '../../licence-document.entity.js';
import { LicenceEventsService } from '../../licence-events.service.js';
import { LicenceSigningService } from '../../licence-signing.service.js';
import { LicenceType } from '../../licence-type.entity.js';
import { Licence } from '../../licence.entity.js';
import { LicenceProblem } from '../../licence.problems.js';
import { LicenceConfig } from '../../licence.config.js';

/**
 * 电子证照签发: a licence issued from structured data checked against its type's schema,
 * identified per GB/T 36904, its record signed (GB/T 38540) with the issuing authority's seal —
 * which the calling app must be allowed to use — and its document rendered and sealed with the
 * same seal; stored and announced (LicenceChanged `issued`) in one transaction.
 */
@Injectable()
export class IssueLicence implements OnModuleInit {
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ServiceConfig,
    private readonly licenceConfig: LicenceConfig,
    private readonly seals: SealService,
    private readonly signing: LicenceSigningService,
    private readonly events: LicenceEventsService,
  ) {}

  /** The licence font is read at start: a missing or unreadable LICENCE_FONT_PATH stops the service, not the first issue. */
  async onModuleInit(): Promise<void> {
    await loadLicenceFont(this.licenceConfig.LICENCE_FONT_PATH);
  }

  async execute({ meta, input }: LicenceIssueRequest): Promise<LicenceIssueReply> {
    if (input.issueKey) {
      const before = await this.issuedBefore(meta.app, input.issueKey, input);
      if (before) return before;
    }
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
      holderIdEnc: this.signing.encryptHolderId(input.holderId, licenceId),
      signature: null,
      sealId: seal.id,
      revokedAt: null,
      revokedReason: null,
      issueApp: input.issueKey ? meta.app : null,
      issueKey: input.issueKey ?? null,
      createdAt: new Date(),
    } as Licence;
    const signed = await this.signing.signRecord(meta, seal.id, licence, input.holderId);
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
    try {
      await this.dataSource.transaction(async (m) => {
        await m.insert(Licence, licence as never);
        await m.insert(LicenceDocument, { licenceId, pdf: Buffer.from(sealed.pdf, 'base64'), sha256: sealed.sha256 });
        await this.events.announce(m, meta, 'issued', licence);
      });
    } catch (err) {
      // The same key sent twice at once: the other one issued it; answer that licence.
      const before = input.issueKey && isUniqueViolation(err) ? await this.issuedBefore(meta.app, input.issueKey, input) : null;
      if (before) return before;
      throw err;
    }
    return {
      licenceId,
      number: licence.number,
      issueDate: today,
      ...(validUntil ? { validUntil } : {}),
      signature: signed.signature,
      pdfSha256: sealed.sha256,
    };
  }

  /**
   * The licence this app issued under this key, answered as it was the first time — if it is the
   * same licence asked for (type, holder, seal); the key reused for another is refused.
   */
  private async issuedBefore(app: string, issueKey: string, input: LicenceIssueRequest['input']): Promise<LicenceIssueReply | null> {
    const licence = await this.dataSource.getRepository(Licence).findOneBy({ issueApp: app, issueKey });
    if (!licence) return null;
    if (
      licence.typeCode !== input.typeCode ||
      licence.sealId !== input.sealId ||
      licence.holderKey !== subjectKeyOf(input.holderId, this.config.SUBJECT_KEY_SECRET)
    )
      throw LicenceProblem.ISSUE_KEY_REUSED(issueKey);
    const document = await this.dataSource
      .getRepository(LicenceDocument)
      .findOne({ where: { licenceId: licence.licenceId }, select: { sha256: true } });
    return {
      licenceId: licence.licenceId,
      number: licence.number,
      issueDate: String(licence.issueDate),
      ...(licence.validUntil ? { validUntil: String(licence.validUntil) } : {}),
      signature: licence.signature ? Buffer.from(licence.signature).toString('base64') : '',
      pdfSha256: document?.sha256 ?? '',
    };
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

function isUniqueViolation(err: unknown): boolean {
  return (
    (err as { driverError?: { code?: string }; code?: string }).driverError?.code === '23505' || (err as { code?: string }).code === '23505'
  );
}

function mask(id: string): string {
  return `${id.slice(0, 6)}********${id.slice(-4)}`;
}
