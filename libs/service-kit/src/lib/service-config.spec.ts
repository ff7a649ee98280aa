import { ConfigError, loadServiceConfig } from './service-config.js';

const valid = {
  PORT: '3001',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  KAFKA_BROKERS: '127.0.0.1:9092,127.0.0.1:9093',
  SUBJECT_KEY_SECRET: 'a-long-enough-secret',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadServiceConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('service configuration', () => {
  it('accepts a complete environment and converts types', () => {
    const config = loadServiceConfig({ ...valid, SEED_DEMO: 'yes', DB_POOL_SIZE: '4' });
    expect(config.PORT).toBe(3001);
    expect(config.SEED_DEMO).toBe(true);
    expect(config.DB_POOL_SIZE).toBe(4);
    expect(config.TRANSPORT).toBe('kafka');
  });

  it('names each missing or bad variable', () => {
    const problems = problemsOf({ PORT: 'eighty', KAFKA_BROKERS: 'kafka', SEED_DEMO: 'maybe' });
    const named = problems.map((p) => p.split(' ')[0]);
    expect(named).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'KAFKA_BROKERS', 'SUBJECT_KEY_SECRET', 'SEED_DEMO']));
  });

  it('needs brokers only for the Kafka transport', () => {
    const { KAFKA_BROKERS: _omit, ...rest } = valid;
    expect(problemsOf(rest).join()).toContain('KAFKA_BROKERS');
    expect(problemsOf({ ...rest, TRANSPORT: 'inprocess' })).toEqual([]);
  });

  it('requires a crypto master key in production, and accepts 32 bytes in hex or base64', () => {
    expect(problemsOf({ ...valid, NODE_ENV: 'production' }).join()).toContain('CRYPTO_MASTER_KEY');
    expect(problemsOf({ ...valid, NODE_ENV: 'production', CRYPTO_MASTER_KEY: 'ab'.repeat(32) })).toEqual([]);
    expect(problemsOf({ ...valid, NODE_ENV: 'production', CRYPTO_MASTER_KEY: Buffer.alloc(32, 1).toString('base64') })).toEqual([]);
    expect(problemsOf({ ...valid, CRYPTO_MASTER_KEY: 'too-short' }).join()).toContain('CRYPTO_MASTER_KEY');
  });

  it('refuses the development subject key in production and hides secrets in messages', () => {
    expect(problemsOf({ ...valid, NODE_ENV: 'production', SUBJECT_KEY_SECRET: 'dev-only-standalone-subject-key' }).join()).toContain(
      'SUBJECT_KEY_SECRET',
    );
    expect(problemsOf({ ...valid, NODE_ENV: 'production', SUBJECT_KEY_SECRET: 'change-me-to-a-long-random-secret' }).join()).toContain(
      'SUBJECT_KEY_SECRET',
    );
    expect(problemsOf({ ...valid, NODE_ENV: 'production', INTERNAL_API_TOKEN: 'change-me-internal-token' }).join()).toContain(
      'INTERNAL_API_TOKEN',
    );
    expect(problemsOf({ ...valid, NODE_ENV: 'development', SUBJECT_KEY_SECRET: 'change-me-to-a-long-random-secret' })).toEqual([]);
    expect(problemsOf({ ...valid, SUBJECT_KEY_SECRET: 'short' }).join()).not.toContain('short');
  });
});
