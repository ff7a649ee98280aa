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
 * announced (LicenceAccessed, via the outbox) in the same transaction as the read.
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
    const eventId = randomUUID();
    const licences = await this.dataSource.transaction(async (manager) => {
      const rows = await manager.find(Licence, {
        where: { holderKey: subjectKey, ...(input.typeCode ? { typeCode: input.typeCode } : {}) },
        relations: { type: true },
        order: { issueDate: 'DESC' },
        take: 1000,
      });
      await manager.insert(LicenceAccessLog, {
        eventId,
        subjectKey,
        app: meta.app,
        endUser: meta.endUser ?? null,
        purpose: meta.purpose ?? null,
        caseId: meta.caseId ?? null,
        correlationId: meta.correlationId,
        licenceCount: rows.length,
      });
      const event: LicenceAccessedEvent = {
        meta: { ...meta, messageId: eventId, sentAt: new Date().toISOString() },
        subjectKey,
        holderType: input.holderType,
        licenceIds: rows.map((r) => r.licenceId),
        accessedAt: new Date().toISOString(),
        provider: SERVICE,
      };
      await this.outbox.enqueue(manager, Topic.LicenceAccessed, subjectKey, event);
      return rows;
    });
    this.outbox.wake();
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
