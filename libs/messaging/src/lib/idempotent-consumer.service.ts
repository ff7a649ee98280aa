import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ProcessedMessage } from './processed-message.entity.js';

/**
 * Runs an event's effect at most once per consumer group: the effect and the "processed"
 * mark commit in one transaction, so a redelivered event (after a crash or a producer retry)
 * is recognised and skipped.
 */
@Injectable()
export class IdempotentConsumer {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Returns false when the event had already been processed. */
  async handleOnce(consumerGroup: string, eventId: string, effect: (manager: EntityManager) => Promise<void>): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(ProcessedMessage)
        .values({ consumerGroup, eventId })
        .orIgnore()
        .returning(['event_id'])
        .execute();
      if ((inserted.raw as unknown[]).length === 0) return false;
      await effect(manager);
      return true;
    });
  }
}
