import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { IdempotentConsumerService } from './idempotent-consumer.service.js';
import { MESSAGING_MIGRATIONS } from './messaging-tables.migration.js';
import { OutboxRecord } from './outbox-record.entity.js';
import { ProcessedMessage } from './processed-message.entity.js';

/** Dedupe on event id against a real PostgreSQL. */
describe('IdempotentConsumer', () => {
  const schema = `idem_${randomBytes(3).toString('hex')}`;
  let ds: DataSource;
  let consumer: IdempotentConsumerService;

  beforeAll(async () => {
    ds = new DataSource({
      type: 'postgres',
      url: process.env['DATABASE_URL'],
      schema,
      entities: [OutboxRecord, ProcessedMessage],
      migrations: MESSAGING_MIGRATIONS,
    });
    await ds.initialize();
    await ds.query(`CREATE SCHEMA "${schema}"`);
    await ds.runMigrations();
    consumer = new IdempotentConsumerService(ds);
  });

  afterAll(async () => {
    await ds.query(`DROP SCHEMA "${schema}" CASCADE`);
    await ds.destroy();
  });

  const row = (eventId: string) => ({ eventId, topic: 't', messageKey: null, payload: { n: 1 } });

  it('runs an effect once per (group, event id), also under concurrent redelivery', async () => {
    const eventId = randomUUID();
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        consumer.handleOnce('g1', eventId, (m) => m.insert(OutboxRecord, row(eventId)).then(() => undefined)).catch(() => false),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await ds.getRepository(OutboxRecord).countBy({ eventId })).toBe(1);
    expect(await consumer.handleOnce('g2', eventId, async () => undefined)).toBe(true);
  });

  it('rolls the mark back when the effect fails, so a retry runs it', async () => {
    const eventId = randomUUID();
    await expect(consumer.handleOnce('g1', eventId, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await consumer.handleOnce('g1', eventId, async () => undefined)).toBe(true);
  });

  it('insertOnce marks and inserts in one statement, and does neither for a duplicate', async () => {
    const eventId = randomUUID();
    expect(await consumer.insertOnce('g3', eventId, OutboxRecord, row(eventId))).toBe(true);
    expect(await consumer.insertOnce('g3', eventId, OutboxRecord, row(eventId))).toBe(false);
    expect(await ds.getRepository(OutboxRecord).countBy({ eventId })).toBe(1);
    expect(await ds.getRepository(ProcessedMessage).countBy({ eventId, consumerGroup: 'g3' })).toBe(1);
  });

  it('insertOnce calls made together share one statement, and each learns whether its event was new', async () => {
    const seen = randomUUID();
    await consumer.insertOnce('g4', seen, OutboxRecord, row(seen));
    const ids = Array.from({ length: 20 }, () => randomUUID());
    let statements = 0;
    const query = ds.query.bind(ds);
    ds.query = ((...args: Parameters<DataSource['query']>) => (statements++, query(...args))) as DataSource['query'];
    try {
      const results = await Promise.all(
        [...ids, seen, ids[0]!].map((id) =>
          consumer.insertOnce('g4', id, OutboxRecord, { ...row(id), payload: { id, at: new Date('2026-12-01T00:00:00Z') } }),
        ),
      );
      expect(statements).toBe(1);
      expect(results).toEqual([...ids.map(() => true), false, false]);
    } finally {
      ds.query = query;
    }
    const stored = await ds.getRepository(OutboxRecord).findBy({ eventId: ids[3]! });
    expect(stored).toHaveLength(1);
    expect(stored[0]!.payload).toEqual({ id: ids[3], at: '2026-12-01T00:00:00.000Z' });
    expect(await ds.getRepository(ProcessedMessage).countBy({ consumerGroup: 'g4' })).toBe(21);
    // Another group is independent.
    expect(await consumer.insertOnce('g5', seen, OutboxRecord, row(randomUUID()))).toBe(true);
  });
});
