import { randomUUID } from 'node:crypto';
import { Topic, wireTopicOf } from '@gmp/contracts';
import { EVENT_BATCH } from './event-batch.decorator.js';
import { GovKafkaServer } from './gov-kafka.server.js';

/**
 * Batch event handlers (EventBatchPattern), without a broker: what the handler is given, what is
 * dead-lettered, what is resolved. The Kafka path itself is covered by apps/platform-e2e
 * (data-ingestion) on a real broker.
 */
describe('GovKafkaServer batch event handlers', () => {
  const topic = wireTopicOf(Topic.DataRecordPublished);
  const good = (n: number) => ({
    eventId: randomUUID(),
    resourceCode: 'R',
    department: 'D',
    updatedAt: '2026-12-01T08:00:00Z',
    record: { n },
  });

  function harness(handle: (events: { record: { n: number } }[]) => Promise<void>) {
    const server = new GovKafkaServer({ client: { brokers: ['127.0.0.1:1'] } }, 'data-platform');
    const calls: number[][] = [];
    const handler = Object.assign(
      async (events: { record: { n: number } }[]) => {
        calls.push(events.map((e) => e.record.n));
        await handle(events);
      },
      { isEventHandler: true, extras: { [EVENT_BATCH]: true } },
    );
    (server as unknown as { messageHandlers: Map<string, unknown> }).messageHandlers.set(topic, handler);
    const deadLetters: { offset: string; reason: string }[] = [];
    (server as unknown as { deadLetter: (p: { message: { offset: string } }, r: string) => Promise<void> }).deadLetter = async (
      p,
      reason,
    ) => void deadLetters.push({ offset: p.message.offset, reason });
    const resolved: string[] = [];
    const run = (values: (object | string)[]) =>
      (server as unknown as { handleBatch: (p: unknown) => Promise<void> }).handleBatch({
        batch: {
          topic,
          partition: 0,
          messages: values.map((v, i) => ({
            offset: String(100 + i),
            value: Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)),
            headers: {},
          })),
        },
        resolveOffset: (o: string) => void resolved.push(o),
        heartbeat: async () => undefined,
        isRunning: () => true,
        isStale: () => false,
        pause: () => () => undefined,
      });
    return { calls, deadLetters, resolved, run };
  }

  it('hands every valid event of a fetched batch to one call, in order, and dead-letters the invalid ones', async () => {
    const h = harness(async () => undefined);
    await h.run([good(1), 'not json', good(2), { ...good(3), eventId: 'x' }, good(4)]);
    expect(h.calls).toEqual([[1, 2, 4]]);
    expect(h.deadLetters.map((d) => d.offset)).toEqual(['101', '103']);
    expect(h.resolved).toEqual(['104']);
  });

  it('retries a failing batch one event at a time: only the offending event is dead-lettered', async () => {
    const h = harness(async (events) => {
      if (events.some((e) => e.record.n === 2)) throw new Error('poison');
    });
    await h.run([good(1), good(2), good(3)]);
    // Three attempts with the whole batch, then each event alone (the poison one three times).
    expect(h.calls.slice(0, 3)).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(h.calls.slice(3)).toEqual([[1], [2], [2], [2], [3]]);
    expect(h.deadLetters).toEqual([{ offset: '101', reason: expect.stringContaining('poison') }]);
    expect(h.resolved).toEqual(['102']);
  }, 20_000);

  it('leaves the batch unresolved when the failure is transient (the database is down): retried later, nothing dead-lettered', async () => {
    const h = harness(async () => {
      throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
    });
    await expect(h.run([good(1), good(2)])).rejects.toThrow('connection refused');
    expect(h.deadLetters).toEqual([]);
    expect(h.resolved).toEqual([]);
  });
});
