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
export class IdempotentConsumerService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private readonly pending = new Map<
    string,
    {
      marks: string;
      table: string;
      columns: string[];
      items: { eventId: string; row: Record<string, unknown>; done: (fresh: boolean) => void; fail: (err: unknown) => void }[];
    }
  >();

  /**
   * The common case: mark the event processed and insert one row, or do neither if it was
   * processed before. Returns false for a duplicate. Calls made in the same turn of the event
   * loop (a batch handled concurrently) share one SQL statement — one round trip, one commit.
   */
  insertOnce<T extends ObjectLiteral>(
    consumerGroup: string,
    eventId: string,
    target: EntityTarget<T>,
    values: Partial<T>,
  ): Promise<boolean> {
    const marks = this.dataSource.getMetadata(ProcessedMessage);
    const metadata = this.dataSource.getMetadata(target);
    const columns = metadata.columns.filter((c) => (values as Record<string, unknown>)[c.propertyName] !== undefined);
    const row = Object.fromEntries(columns.map((c) => [c.databaseName, (values as Record<string, unknown>)[c.propertyName]]));
    const key = `${consumerGroup}\u0000${metadata.tablePath}\u0000${Object.keys(row).join(',')}`;
    return new Promise<boolean>((done, fail) => {
      let group = this.pending.get(key);
      if (!group) {
        group = { marks: quoteTablePath(marks.tablePath), table: quoteTablePath(metadata.tablePath), columns: Object.keys(row), items: [] };
        this.pending.set(key, group);
        setImmediate(() => {
          this.pending.delete(key);
          void this.flush(consumerGroup, group!);
        });
      }
      group.items.push({ eventId, row, done, fail });
    });
  }

  private async flush(
    consumerGroup: string,
    group: {
      marks: string;
      table: string;
      columns: string[];
      items: { eventId: string; row: Record<string, unknown>; done: (fresh: boolean) => void; fail: (err: unknown) => void }[];
    },
  ): Promise<void> {
    // The same event twice in one flush: the first one counts, the others are duplicates.
    const first = new Map<string, (typeof group.items)[number]>();
    for (const item of group.items) if (!first.has(item.eventId)) first.set(item.eventId, item);
    try {
      const cols = group.columns.map((c) => `"${c.replaceAll('"', '""')}"`);
      const fresh: { event_id: string }[] = await this.dataSource.query(
        `WITH v AS (SELECT x->>'e' AS eid, jsonb_populate_record(NULL::${group.table}, x->'r') AS r FROM jsonb_array_elements($2::jsonb) x),
              mark AS (INSERT INTO ${group.marks} (consumer_group, event_id) SELECT $1, eid::uuid FROM v ON CONFLICT DO NOTHING RETURNING event_id::text),
              ins AS (INSERT INTO ${group.table} (${cols.join(', ')}) SELECT ${cols.map((c) => `(v.r).${c}`).join(', ')} FROM v JOIN mark ON mark.event_id = v.eid RETURNING 1)
         SELECT event_id FROM mark`,
        [consumerGroup, JSON.stringify([...first.values()].map((i) => ({ e: i.eventId, r: i.row })))],
      );
      const inserted = new Set(fresh.map((r) => r.event_id));
      for (const item of group.items) item.done(first.get(item.eventId) === item && inserted.has(item.eventId));
    } catch (err) {
      for (const item of group.items) item.fail(err);
    }
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
