import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { ProcessedMessage } from './processed-message.entity.js';
import { quoteTablePath } from './sql.util.js';

/**
 * Runs an event's effect at most once per consumer group: the effect and the "processed"
 * mark commit in one transaction, so a redelivered event (after a crash or a producer retry)
 * is recognised and skipped.
 */
@Injectable()
export class IdempotentConsumer {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The common case in one SQL statement: mark the event processed and insert one row, or
   * do neither if it was processed before. Returns false for a duplicate.
   */
  async insertOnce<T extends ObjectLiteral>(consumerGroup: string, eventId: string, target: EntityTarget<T>, values: Partial<T>): Promise<boolean> {
    const marks = this.dataSource.getMetadata(ProcessedMessage);
    const metadata = this.dataSource.getMetadata(target);
    const columns = metadata.columns.filter((c) => (values as Record<string, unknown>)[c.propertyName] !== undefined);
    const params = [consumerGroup, eventId, ...columns.map((c) => (values as Record<string, unknown>)[c.propertyName])];
    const rows: unknown[] = await this.dataSource.query(
      `WITH mark AS (INSERT INTO ${quoteTablePath(marks.tablePath)} (consumer_group, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1)
       INSERT INTO ${quoteTablePath(metadata.tablePath)} (${columns.map((c) => `"${c.databaseName}"`).join(', ')})
       SELECT ${columns.map((_, i) => `$${i + 3}`).join(', ')} WHERE EXISTS (SELECT 1 FROM mark) RETURNING 1`,
      params,
    );
    return rows.length > 0;
  }

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
