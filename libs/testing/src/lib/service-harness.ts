import { randomBytes } from 'node:crypto';
import type { ServiceDefinition } from '@gmp/service-kit';

export const TEST_SUBJECT_KEY_SECRET = 'test-only-subject-key-secret';
export const TEST_INTERNAL_API_TOKEN = 'test-only-internal-api-token';

/** Environment for a service under test: the real Kafka, PostgreSQL and Redis from the global setup. */
export function integrationEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const databaseUrl = process.env['DATABASE_URL'];
  const brokers = process.env['KAFKA_BROKERS'];
  if (!databaseUrl || !brokers) throw new Error('DATABASE_URL / KAFKA_BROKERS missing: integration tests run through jest.global-setup');
  return {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers,
    TRANSPORT: 'kafka',
    SUBJECT_KEY_SECRET: TEST_SUBJECT_KEY_SECRET,
    PORT: '0',
    HOST: '127.0.0.1',
    SEED_DEMO: 'true',
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'error',
    KAFKA_PARTITIONS: '3',
    OUTBOX_POLL_MS: '100',
    DB_POOL_SIZE: '5',
    INTERNAL_API_TOKEN: TEST_INTERNAL_API_TOKEN,
    ...(process.env['REDIS_URL'] ? { REDIS_URL: process.env['REDIS_URL'] } : {}),
    ...overrides,
  };
}

/** The same service in a schema of its own, so test files never share tables. */
export function inOwnSchema(def: ServiceDefinition, tag = randomBytes(3).toString('hex')): ServiceDefinition {
  return { ...def, schema: `${def.schema}_t${tag}` };
}

/** Polls until `probe` returns a truthy value or the time is up. */
export async function eventually<T>(probe: () => Promise<T>, timeoutMs = 15_000, everyMs = 100): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`条件未在 ${timeoutMs} ms 内满足 (condition not met in time)${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
