import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { CallMeta, Topic } from '@gmp/contracts';
import { outsideTrace, parseStoredTraceContext, storableTraceContext } from '@gmp/observability';
import { EventPublisher, PartialPublishError } from './event-publisher.js';
import { IdleBackoff } from './idle-backoff.js';
import { MESSAGING_OPTIONS, type MessagingOptions } from './messaging.options.js';
import { OutboxRecord } from './outbox-record.entity.js';
import { preparedQuery, quoteTablePath } from './sql.util.js';

const BATCH = 500;

/** An outbox row as the relay claims it. */
interface ClaimedRow {
  seq: string;
  event_id: string;
  topic: string;
  message_key: string | null;
  payload: object;
  trace_context: string | null;
}

/**
 * Writes events into the outbox inside the caller's transaction and relays them to the
 * broker afterwards: at least once, in order of writing, surviving any crash in between
 * (rows are deleted only after the broker acknowledged them).
 */
@Injectable()
export class OutboxService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly log = new Logger('Outbox');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  /** Whether a relay since the last poll published anything (the poll stays frequent while events flow). */
  private relayedSinceTick = false;
  private stopped = false;
  /** When the relay started failing without a success since, and why (for readiness). */
  private failingSince: number | null = null;
  private lastError: string | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  /** The outbox table, quoted, for statements that write their change and its event together (then call `wake()`). */
  get table(): string {
    return quoteTablePath(this.dataSource.getMetadata(OutboxRecord).tablePath);
  }

  /**
   * Adds an event to the outbox within `manager`'s transaction. Its id is `meta.messageId`, or —
   * for the few contracts without a meta, such as a department's record (`data.record.published`)
   * — its own `eventId`.
   */
  async enqueue(manager: EntityManager, topic: Topic, key: string | null, event: { meta: CallMeta } | { eventId: string }): Promise<void> {
    const eventId = 'meta' in event ? event.meta.messageId : event.eventId;
    await manager.insert(OutboxRecord, { eventId, topic, messageKey: key, payload: event, traceContext: this.traceContext() });
  }

  /**
   * The current trace context, stored with an event so that its consumers continue the trace of
   * the call that wrote it (null when not tracing). Statements that write the outbox themselves
   * put it in `trace_context`.
   */
  traceContext(): string | null {
    return storableTraceContext();
  }

  /**
   * Runs one data-modifying SQL statement (the state change) and adds the event to the
   * outbox in the same statement — atomic without BEGIN/COMMIT round trips. `change.sql`
   * uses $1..$n and must end in `RETURNING …`: the event is written only when the change
   * returned a row (so an `ON CONFLICT DO NOTHING` replay writes neither). Returns whether it
   * was written; wakes the relay.
   */
  async commitWith(
    change: { sql: string; params: unknown[] },
    topic: Topic,
    key: string | null,
    event: { meta: CallMeta },
  ): Promise<boolean> {
    const n = change.params.length;
    const table = quoteTablePath(this.dataSource.getMetadata(OutboxRecord).tablePath);
    const rows: unknown[] = await this.dataSource.query(
      `WITH change AS (${change.sql})
       INSERT INTO ${table} (event_id, topic, message_key, payload, trace_context)
       SELECT $${n + 1}::uuid, $${n + 2}::varchar, $${n + 3}::varchar, $${n + 4}::jsonb, $${n + 5}::varchar WHERE EXISTS (SELECT 1 FROM change) RETURNING 1`,
      [...change.params, event.meta.messageId, topic, key, JSON.stringify(event), this.traceContext()],
    );
    this.wake();
    return rows.length > 0;
  }

  /** Asks the relay to run now (call after the transaction has committed). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    // A short linger lets the events of concurrent requests share one claim, one publish and one delete.
    const linger = this.options.outboxLingerMs ?? 0;
    const start = linger > 0 ? new Promise<void>((r) => setTimeout(r, linger)) : Promise.resolve();
    // The relay serves every call's events at once: its own work is in no call's trace (each event carries its caller's).
    this.running = outsideTrace(() => start)
      .then(() => outsideTrace(() => this.drain()))
      .then(() => undefined)
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.publishes.length === 0) {
      this.stopped = true; // this service publishes no events: no relay, no polling
      return;
    }
    await this.publisher.start();
    // Every OUTBOX_POLL_MS while events flow or the relay fails; backing off to 5 s while the outbox stays empty.
    const polls = new IdleBackoff(this.options.outboxPollMs);
    const tick = () => {
      this.wake();
      const active = this.relayedSinceTick || this.failingSince !== null;
      this.relayedSinceTick = false;
      if (!this.stopped) this.timer = setTimeout(tick, polls.next(active));
    };
    tick();
  }

  /** Runs while the database is still open: stop the loop, then a last flush. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    // Bounded: with the broker unreachable the rows simply stay for the next start.
    await Promise.race([
      (async () => {
        await this.running;
        await this.drain();
      })(),
      new Promise((r) => setTimeout(r, 5000).unref()),
    ]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.stop();
  }

  /** Relays until the outbox is empty; returns how many events were published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      let failed = false;
      const n = await this.relayBatch().catch((err) => {
        failed = true;
        this.failingSince ??= Date.now();
        this.lastError = (err as Error).message;
        this.log.warn(`事件转发失败，稍后重试 (outbox relay failed, will retry): ${(err as Error).message}`);
        return 0;
      });
      if (!failed) {
        this.failingSince = null;
        this.lastError = null;
      }
      total += n;
      if (n > 0) this.relayedSinceTick = true;
      if (n < BATCH) return total;
    }
  }

  /** Events accepted and not relayed yet, and the age in seconds of the oldest (0 when none). */
  async backlog(): Promise<{ events: number; oldestSeconds: number }> {
    const table = quoteTablePath(this.dataSource.getMetadata(OutboxRecord).tablePath);
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS events, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS oldest FROM ${table}`,
    )) as { events: number; oldest: number }[];
    return { events: Number(row?.events ?? 0), oldestSeconds: Number(row?.oldest ?? 0) };
  }

  /** Whether the relay works: down once it has failed, without a success since, for longer than the configured time. */
  relayHealth(): { ok: boolean; failingForMs: number; lastError: string | null } {
    const failingForMs = this.failingSince === null ? 0 : Date.now() - this.failingSince;
    return { ok: this.stopped || failingForMs < (this.options.outboxUnhealthyAfterMs ?? 10_000), failingForMs, lastError: this.lastError };
  }

  /**
   * Claims a batch with a short lease (one small transaction), publishes it outside any
   * transaction, then deletes it. Publishing outside the transaction keeps row locks short
   * and lets an in-process consumer write to the same database meanwhile; a relay that dies
   * mid-way leaves rows whose lease expires and which are published again (at least once).
   */
  private async relayBatch(): Promise<number> {
    const table = quoteTablePath(this.dataSource.getMetadata(OutboxRecord).tablePath);
    const claimed = await preparedQuery<ClaimedRow>(
      this.dataSource,
      'outbox-claim',
      `UPDATE ${table} SET locked_until = now() + interval '${Math.trunc(this.options.outboxLeaseSeconds)} seconds'
         WHERE seq IN (SELECT seq FROM ${table} WHERE locked_until IS NULL OR locked_until < now()
                       ORDER BY seq LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
         RETURNING seq, event_id, topic, message_key, payload, trace_context`,
      [],
    );
    if (claimed.length === 0) return 0;
    claimed.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
    const seqs = claimed.map((r) => r.seq);
    try {
      await this.publisher.publish(
        claimed.map((r) => ({
          eventId: r.event_id,
          topic: r.topic,
          key: r.message_key,
          payload: r.payload,
          traceContext: parseStoredTraceContext(r.trace_context),
        })),
      );
    } catch (err) {
      // What was delivered goes and the rest is released for the next relay, in one statement. If
      // that fails, the lease runs out and the batch is relayed again (at least once, as always).
      const delivered = new Set(err instanceof PartialPublishError ? err.delivered : []);
      const done = claimed.filter((r) => delivered.has(r.event_id)).map((r) => r.seq);
      await this.dataSource
        .query(
          `WITH gone AS (DELETE FROM ${table} WHERE seq = ANY($1::bigint[])) UPDATE ${table} SET locked_until = NULL WHERE seq = ANY($2::bigint[])`,
          [done, seqs.filter((s) => !done.includes(s))],
        )
        .catch((e: Error) =>
          this.log.warn(
            `事件转发结果未能记下，租约到期后重发 (relay outcome not recorded; the batch is relayed again when its lease ends): ${e.message}`,
          ),
        );
      throw err;
    }
    await preparedQuery(this.dataSource, 'outbox-delete', `DELETE FROM ${table} WHERE seq = ANY($1::bigint[])`, [seqs]);
    return claimed.length;
  }
}
