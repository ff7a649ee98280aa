import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { IdempotentConsumer } from './idempotent-consumer.service.js';
import { CreateMessagingTables1763800000000 } from './messaging-tables.migration.js';
import { OutboxRecord } from './outbox-record.entity.js';
import { ProcessedMessage } from './processed-message.entity.js';

/** Dedupe on event id against a real PostgreSQL. */
describe('IdempotentConsumer', () => {
  const schema = `idem_${randomBytes(3).toString('hex')}`;
  let ds: DataSource;
  let consumer: IdempotentConsumer;

  beforeAll(async () => {
    ds = new DataSource({
      type: 'postgres',
      url: process.env['DATABASE_URL'],
      schema,
      entities: [OutboxRecord, ProcessedMessage],
      migrations: [CreateMessagingTables1763800000000],
    });
    await ds.initialize();
    await ds.query(`CREATE SCHEMA "${schema}"`);
    await ds.runMigrations();
    consumer = new IdempotentConsumer(ds);
  });

  afterAll(async () => {
    await ds.query(`DROP SCHEMA "${schema}" CASCADE`);
    await ds.destroy();
  });

  const row = (eventId: string) => ({ eventId, topic: 't', messageKey: null, payload: { n: 1 } });

  it('runs an effect once per (group, event id), also under concurrent redelivery', async () => {
    const eventId = randomUUID();
    const results = await Promise.all(
      [1, 2, 3].map(() => consumer.handleOnce('g1', eventId, (m) => m.insert(OutboxRecord, row(eventId)).then(() => undefined)).catch(() => false)),
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
});
