import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type LicenceAccessedEvent, Topic } from '@gmp/contracts';
import { IdempotentConsumerService } from '@gmp/messaging';
import { DataAccessRecord } from './data-access-record.entity.js';

const GROUP = 'data-platform';

/** Records licence-data access (reads and refused attempts) reported by tech-capabilities, once per event. */
@Controller()
export class DataAccessHandler {
  private readonly log = new Logger('DataAccessHandler');

  constructor(private readonly once: IdempotentConsumerService) {}

  @EventPattern(Topic.LicenceAccessed)
  async onLicenceAccessed(@Payload() event: LicenceAccessedEvent): Promise<void> {
    const fresh = await this.once.insertOnce(GROUP, event.meta.messageId, DataAccessRecord, {
      eventId: event.meta.messageId,
      subjectKey: event.subjectKey,
      resource: 'e-licence',
      provider: event.provider,
      app: event.meta.app,
      endUser: event.meta.endUser ?? null,
      purpose: event.meta.purpose ?? null,
      caseId: event.meta.caseId ?? null,
      legalBasis: event.meta.legalBasis ?? null,
      legalBasisTitle: event.meta.legalBasisTitle ?? null,
      outcome: event.outcome ?? 'READ',
      correlationId: event.meta.correlationId,
      itemCount: event.licenceIds.length,
      accessedAt: new Date(event.accessedAt),
      processing: 'licence-lookup',
    });
    if (!fresh) this.log.debug(`重复事件已忽略 (duplicate event skipped) ${event.meta.messageId}`);
  }
}
