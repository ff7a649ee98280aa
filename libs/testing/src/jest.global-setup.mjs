// Obtains the real Kafka broker, PostgreSQL and Redis for the whole test run and hands them to the
// test workers as KAFKA_BROKERS / DATABASE_URL / REDIS_URL. Prints which ones were used.
import { obtainKafka, obtainPostgres, obtainRedis } from './test-infrastructure.mjs';

export default async function globalSetup() {
  if (process.env.SKIP_INFRA === '1') return;
  const log = (line) => process.stderr.write(`[test-infra] ${line}\n`);
  const started = [];
  globalThis.__GMP_INFRA__ = started;
  try {
    const postgres = await obtainPostgres();
    started.push(postgres);
    const kafka = await obtainKafka(log);
    started.push(kafka);
    const redis = await obtainRedis();
    started.push(redis);
    process.env.DATABASE_URL = postgres.value;
    process.env.KAFKA_BROKERS = kafka.value;
    process.env.REDIS_URL = redis.value;
    process.stderr.write(
      `\n[test-infra] Kafka: ${kafka.description} (${kafka.source})\n[test-infra] PostgreSQL: ${postgres.description} (${postgres.source})\n[test-infra] Redis: ${redis.description} (${redis.source})\n`,
    );
  } catch (err) {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    throw err;
  }
}
