import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  type LicenceAccessedEvent,
  type LicenceByHolderReply,
  type LicenceByHolderRequest,
  type LicenceSummary,
  subjectKeyOf,
  Topic,
} from '@gmp/contracts';
import { OutboxService } from '@gmp/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@gmp/service-kit';
import { LicenceAccessLog } from './licence-access-log.entity.js';
import { Licence } from './licence.entity.js';

const SERVICE = 'tech-capabilities';

/**
 * Looks up a subject's licences. Each lookup is personal-data access: it is logged and
 * announced (LicenceAccessed, via the outbox) atomically before the answer leaves.
 */
@Injectable()
export class LicenceQueryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  async byHolder(request: LicenceByHolderRequest): Promise<LicenceByHolderReply> {
    const { meta, input } = request;
    const subjectKey = subjectKeyOf(input.holderId, this.config.SUBJECT_KEY_SECRET);
    const licences = await this.dataSource.getRepository(Licence).find({
      where: { holderKey: subjectKey, ...(input.typeCode ? { typeCode: input.typeCode } : {}) },
      relations: { type: true },
      order: { issueDate: 'DESC' },
      take: 1000,
    });
    // The access log row and its event are written in one statement (atomic) before answering.
    const eventId = randomUUID();
    const now = new Date().toISOString();
    const event: LicenceAccessedEvent = {
      meta: { ...meta, messageId: eventId, sentAt: now },
      subjectKey,
      holderType: input.holderType,
      licenceIds: licences.map((r) => r.licenceId),
      accessedAt: now,
      provider: SERVICE,
    };
    const log = this.dataSource.getMetadata(LicenceAccessLog).tablePath.split('.').map((p) => `"${p}"`).join('.');
    await this.outbox.commitWith(
      {
        sql: `INSERT INTO ${log} (event_id, subject_key, app, end_user, purpose, case_id, correlation_id, licence_count) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        params: [eventId, subjectKey, meta.app, meta.endUser ?? null, meta.purpose ?? null, meta.caseId ?? null, meta.correlationId, licences.length],
      },
      Topic.LicenceAccessed,
      subjectKey,
      event,
    );
    return { licences: licences.map(toSummary) };
  }
}

function toSummary(l: Licence): LicenceSummary {
  return {
    licenceId: l.licenceId,
    typeCode: l.typeCode,
    typeName: l.type?.name ?? '',
    number: l.number,
    holderName: l.holderName,
    issuerName: l.issuerName,
    issueDate: l.issueDate,
    ...(l.validUntil ? { validUntil: l.validUntil } : {}),
    status: l.status,
  };
}
