// npm run bench:idle — what the platform costs when nobody calls it (issue 12's target: the
// broker and the four services together < 5 % of one core). Starts a real Kafka broker and
// tech-capabilities, data-platform, service-dispatch and business-platform as four processes,
// lets start-up settle (announcements, group joins, outbox relays), then reads each process's
// CPU time over a quiet window. Appends the figures to docs/benchmarks.md.
// Options (env): BENCH_SETTLE_SECONDS (60: the JVM's JIT and the services' start-up work finish), BENCH_SECONDS (60).
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { Kafka, logLevel } from 'kafkajs';
import { obtainKafka, obtainPostgres, obtainRedis } from '../libs/testing/src/test-infrastructure.mjs';
import { benchEnv, cpuSnapshot, rssMb, startApps } from './bench-kit.mjs';

const SETTLE = Number(process.env.BENCH_SETTLE_SECONDS ?? 60);
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
  const env = benchEnv({ postgres, kafka, redis }, { SEED_DEMO: 'true', INTERNAL_API_TOKEN: 'bench-internal-api-token' });
  const { apps, stop } = await startApps(APPS, env);
  started.push({ stop });
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
  // BENCH_THREADS=1: also print the broker's busiest threads (where an idle broker spends its time).
  const threads = (pid) =>
    Object.fromEntries(
      readdirSync(`/proc/${pid}/task`).map((t) => {
        try {
          const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
          const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          return [`${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))} #${t}`, Number(f[11]) + Number(f[12])];
        } catch {
          return [t, 0];
        }
      }),
    );
  const threadsBefore = process.env.BENCH_THREADS && kafka.pid ? threads(kafka.pid) : null;
  const before = cpuSnapshot(pids);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const after = cpuSnapshot(pids);
  if (threadsBefore) {
    const now = threads(kafka.pid);
    const busiest = Object.keys(now)
      .map((k) => [k, now[k] - (threadsBefore[k] ?? 0)])
      .filter(([, t]) => t > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15);
    log(`broker threads (CPU ticks of 10 ms in ${SECONDS} s): ${busiest.map(([k, t]) => `${k} ${t}`).join(', ')}`);
  }
  const pct = (k) => ((after[k] - before[k]) / SECONDS) * 100;
  const counted = [...APPS, ...(kafka.pid ? ['kafka broker (JVM)'] : [])];
  const total = counted.reduce((sum, k) => sum + pct(k), 0);
  const rows = [...counted, 'postgresql (all processes)'].map(
    (k) => `| ${k} | ${pct(k).toFixed(2)} | ${(after[k] - before[k]).toFixed(2)} | ${pids[k] ? (rssMb(pids[k]) ?? '—') : '—'} |`,
  );
  const section = `
## bench:idle — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC

Machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; Kafka: ${kafka.source}; PostgreSQL: ${postgres.description.split(',')[0]}; Redis: ${redis.description}.
The broker and the four services started (demo data seeded), no traffic; ${SETTLE} s to settle, then CPU time read from /proc over ${SECONDS} s. Topics on the broker: ${platformTopics.length} (${partitions} partitions), besides Kafka's own.
Kafka settings of the services: ${process.env.KAFKA_PARTITIONS ?? 6} partitions per topic, fetch maxWait ${process.env.KAFKA_FETCH_MAX_WAIT_MS ?? 1000} ms. The local broker (deploy/local/kafka) runs with SerialGC, no perf-data sampling and metadata.max.idle.interval.ms=5000.

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
