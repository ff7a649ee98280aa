// npm run bench:idle — what the platform costs when nobody calls it (issue 12's target: the
// broker and the four services together < 5 % of one core). Starts a real Kafka broker and
// tech-capabilities, data-platform, service-dispatch and business-platform as four processes,
// lets start-up settle (announcements, group joins, outbox relays), then reads each process's
// CPU time over a quiet window. Appends the figures to docs/benchmarks.md.
// Options (env): BENCH_SETTLE_SECONDS (20), BENCH_SECONDS (60).
import { appendFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { Kafka, logLevel } from 'kafkajs';
import { obtainKafka, obtainPostgres, obtainRedis } from '../libs/testing/src/test-infrastructure.mjs';
import { cpuSnapshot, rssMb, startApp } from './bench-kit.mjs';

const SETTLE = Number(process.env.BENCH_SETTLE_SECONDS ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const log = (line) => process.stderr.write(`[bench] ${line}\n`);
const APPS = ['tech-capabilities', 'data-platform', 'service-dispatch', 'business-platform'];

const started = [];
try {
  const postgres = await obtainPostgres();
  started.push(postgres);
  const kafka = await obtainKafka(log);
  started.push(kafka);
  const redis = await obtainRedis();
  const env = {
    NODE_ENV: 'development',
    DATABASE_URL: postgres.value,
    KAFKA_BROKERS: kafka.value,
    REDIS_URL: redis.value,
    SUBJECT_KEY_SECRET: 'bench-subject-key-secret-0123456789',
    CRYPTO_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    SEED_DEMO: 'true',
    LOG_LEVEL: 'warn',
    INTERNAL_API_TOKEN: 'bench-internal-api-token',
  };
  const apps = [];
  for (const app of APPS) apps.push(await startApp(app, env));
  started.push({ stop: async () => { await Promise.all(apps.map((s) => { s.child.kill('SIGTERM'); return new Promise((r) => s.child.once('exit', r)); })); } });
  const pids = Object.fromEntries(apps.map((a) => [a.app, a.child.pid]));
  if (kafka.pid) pids['kafka broker (JVM)'] = kafka.pid;

  const admin = new Kafka({ clientId: 'bench-idle', brokers: [kafka.value], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const { topics } = await admin.fetchTopicMetadata();
  await admin.disconnect();
  const platformTopics = topics.filter((t) => !t.name.startsWith('__'));
  const partitions = platformTopics.reduce((n, t) => n + t.partitions.length, 0);

  log(`settling ${SETTLE} s, then measuring ${SECONDS} s of idle`);
  await new Promise((r) => setTimeout(r, SETTLE * 1000));
  const before = cpuSnapshot(pids);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const after = cpuSnapshot(pids);
  const pct = (k) => ((after[k] - before[k]) / SECONDS) * 100;
  const counted = [...APPS, ...(kafka.pid ? ['kafka broker (JVM)'] : [])];
  const total = counted.reduce((sum, k) => sum + pct(k), 0);
  const rows = [...counted, 'postgresql (all processes)'].map((k) => `| ${k} | ${pct(k).toFixed(2)} | ${(after[k] - before[k]).toFixed(2)} | ${pids[k] ? (rssMb(pids[k]) ?? '—') : '—'} |`);
  const section = `
## bench:idle — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC

Machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; Kafka: ${kafka.source}; PostgreSQL: ${postgres.description.split(',')[0]}; Redis: ${redis.description}.
The broker and the four services started (demo data seeded), no traffic; ${SETTLE} s to settle, then CPU time read from /proc over ${SECONDS} s. Topics on the broker: ${platformTopics.length} (${partitions} partitions), besides Kafka's own.
Kafka settings of the services: ${process.env.KAFKA_PARTITIONS ?? 6} partitions per topic, fetch maxWait ${process.env.KAFKA_FETCH_MAX_WAIT_MS ?? 'default'} ms.

| process | CPU % of one core | CPU seconds | RSS MB |
|---|---|---|---|
${rows.join('\n')}
| total: broker + four services | ${total.toFixed(2)} | ${counted.reduce((s, k) => s + after[k] - before[k], 0).toFixed(2)} | — |

Idle cluster (broker + four services): **${total.toFixed(2)} %** of one core (target < 5 %) — **${total < 5 ? 'met' : 'missed'}**. PostgreSQL is shown, not counted.
`;
  appendFileSync('docs/benchmarks.md', section);
  process.stdout.write(section);
} finally {
  for (const s of started.reverse()) await s.stop().catch(() => undefined);
}
