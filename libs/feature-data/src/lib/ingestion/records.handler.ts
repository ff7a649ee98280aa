import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type DataRecordPublishedEvent, Topic } from '@gmp/contracts';
import { IdempotentConsumerService } from '@gmp/messaging';
import { IngestRecord } from './usecases/ingest-record/ingest-record.usecase.js';

const GROUP = 'data-platform';

/**
 * Records departments publish over Kafka (validated against the contract by the transport; a
 * malformed one goes to the dead-letter topic). Each applied once: the outcome (stored, or
 * quarantined with its reasons) commits with the event's "processed" mark.
 */
@Controller()
export class RecordsHandler {
  private readonly log = new Logger('Ingestion');

  constructor(
    private readonly once: IdempotentConsumerService,
    private readonly ingest: IngestRecord,
  ) {}

  @EventPattern(Topic.DataRecordPublished)
  async onPublished(@Payload() e: DataRecordPublishedEvent): Promise<void> {
    const fresh = await this.once.handleOnce(GROUP, e.eventId, async (m) => {
      const outcome = await this.ingest.execute(
        { resourceCode: e.resourceCode, department: e.department, updatedAt: e.updatedAt, record: e.record, origin: 'kafka' },
        m,
      );
      if (outcome.status === 'quarantined')
        this.log.warn(
          `记录已隔离 (record quarantined) ${e.resourceCode} from ${e.department}: ${outcome.reasons.length} 处问题, ${outcome.quarantineId}`,
        );
    });
    if (!fresh) this.log.debug(`重复事件已忽略 (duplicate event skipped) ${e.eventId}`);
  }
}
