import { Controller, Logger } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type DataRecordPublishedEvent, Topic } from '@gmp/contracts';
import { EventBatchPattern } from '@gmp/messaging';
import { IngestRecord } from './usecases/ingest-record/ingest-record.usecase.js';

/**
 * Records departments publish over Kafka (validated against the contract by the transport; a
 * malformed one goes to the dead-letter topic), a fetched batch at a time in one transaction.
 * Applied once without a "processed" mark: storing is idempotent (a record already stored, or
 * older than the stored one, changes nothing) and a quarantine entry is written under the
 * record's event id (with its department and resource), once.
 */
@Controller()
export class RecordsHandler {
  private readonly log = new Logger('Ingestion');

  constructor(private readonly ingest: IngestRecord) {}

  @EventBatchPattern(Topic.DataRecordPublished)
  async onPublished(@Payload() events: DataRecordPublishedEvent[]): Promise<void> {
    const outcomes = await this.ingest.executeMany(
      events.map((e) => ({
        eventId: e.eventId,
        resourceCode: e.resourceCode,
        department: e.department,
        updatedAt: e.updatedAt,
        record: e.record,
        origin: 'kafka' as const,
      })),
    );
    for (const [i, outcome] of outcomes.entries())
      if (outcome.status === 'quarantined')
        this.log.warn(
          `记录已隔离 (record quarantined) ${events[i]!.resourceCode} from ${events[i]!.department}: ${outcome.reasons.length} 处问题, ${outcome.quarantineId}`,
        );
  }
}
