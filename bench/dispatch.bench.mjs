// npm run bench:dispatch — throughput and latency of the e-licence lookup through
// service-dispatch over Kafka, side by side with a direct HTTP call to tech-capabilities, in
// one run on this machine; plus each process's RSS. Appends the figures to docs/benchmarks.md.
//
// Everything is real: three service processes (cluster mode), Apache Kafka 3.9.1 (KAFKA_BROKERS
// or deploy/local/kafka), PostgreSQL (DATABASE_URL or the local server, fresh database).
// Options (env): BENCH_SECONDS (15), BENCH_CONNECTIONS (32), BENCH_WARMUP_SECONDS (3).
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import autocannon from 'autocannon';
import { obtainKafka, obtainPostgres, obtainRedis } from '../libs/testing/src/test-infrastructure.mjs';
import { cpuSnapshot, rssMb, startApp } from './bench-kit.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const HOLDER = { holderType: 'person', holderId: '11010519491231002X' };
const log = (line) => process.stderr.write(`[bench] ${line}\n`);

function load(url, headers, seconds) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url, method: 'POST', connections: CONNECTIONS, duration: seconds, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(HOLDER), timeout: 10 },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

async function measure(name, url, headers, pids) {
  await load(url, headers, WARMUP);
  const peak = {};
  const sampler = setInterval(() => {
    for (const [n, pid] of Object.entries(pids)) peak[n] = Math.max(peak[n] ?? 0, rssMb(pid) ?? 0);
  }, 500);
  const before = cpuSnapshot(pids);
  const r = await load(url, headers, SECONDS);
  const after = cpuSnapshot(pids);
  clearInterval(sampler);
  const cpu = Object.fromEntries(Object.keys(after).map((k) => [k, Math.round(((after[k] - before[k]) / SECONDS) * 100)]));
  const row = {
    name,
    rps: Math.round(r.requests.average),
    total: r.requests.total,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    rss: peak,
    cpu,
  };
  log(`${name}: ${row.rps} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, non-2xx ${row.non2xx}, errors ${row.errors}`);
  return row;
}

const started = [];
try {
  const postgres = await obtainPostgres();
  started.push(postgres);
  const kafka = await obtainKafka(log);
  const redis = await obtainRedis();
  started.push(kafka);
  log(`Kafka: ${kafka.description}; PostgreSQL: ${postgres.description}`);
  const env = {
    NODE_ENV: 'development', // production refuses demo data, which the benchmark needs
    DATABASE_URL: postgres.value,
    KAFKA_BROKERS: kafka.value,
    SUBJECT_KEY_SECRET: 'bench-subject-key-secret-0123456789',
    CRYPTO_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    SEED_DEMO: 'true',
    LOG_LEVEL: 'warn',
    DEMO_APP_SECRET: 'bench-secret',
    INTERNAL_API_TOKEN: 'bench-internal-api-token',
    // rate limiting stays on (through Redis), its limit above what one app sends here
    DISPATCH_RATE_PER_SECOND: '100000',
    REDIS_URL: redis.value,
    // BENCH_PROFILE=dir: V8 CPU profiles of the services written there when they stop.
    ...(process.env.BENCH_PROFILE ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_PROFILE}` } : {}),
  };
  const tech = await startApp('tech-capabilities', env);
  const data = await startApp('data-platform', env);
  const dispatch = await startApp('service-dispatch', env);
  started.push({ stop: async () => { await Promise.all([dispatch, data, tech].map((s) => { s.child.kill('SIGTERM'); return new Promise((r) => s.child.once('exit', r)); })); } });
  const pids = { 'service-dispatch': dispatch.child.pid, 'tech-capabilities': tech.child.pid, 'data-platform': data.child.pid };
  const brokerPid = kafka.pid;
  if (brokerPid) pids['kafka broker (JVM)'] = brokerPid;

  const auth = `Basic ${Buffer.from('demo-portal:bench-secret').toString('base64')}`;
  const viaDispatch = await measure('through dispatch (HTTP → Kafka request-reply → tech-capabilities)', `${dispatch.url}/v1/capabilities/e-licence.query-by-holder/invoke`, { authorization: auth, 'x-purpose': 'bench', 'x-legal-basis': 'demo.gov-data-sharing' }, pids);
  // NOTE (issue 11): the internal lookup takes no legal basis any more: the direct path is refused (403, logged)
  // unless the holder authorised the app 'bench' — re-base it on an authorisation before quoting a ratio (issue 12).
  const direct = await measure('direct HTTP to tech-capabilities', `${tech.url}/internal/v1/licences/query-by-holder`, { 'x-caller': 'bench', 'x-purpose': 'bench', 'x-internal-token': 'bench-internal-api-token' }, pids);

  const ratio = (viaDispatch.rps / direct.rps).toFixed(2);
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const fmt = (r) => `| ${r.name} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.total} | ${r.non2xx} | ${r.errors} |`;
  const section = `
## bench:dispatch — ${date} UTC

Machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; Kafka: ${kafka.source}; PostgreSQL: ${postgres.description.split(',')[0]}.
Kafka settings of the services: ${process.env.KAFKA_PARTITIONS ?? 6} partitions per topic, ${process.env.KAFKA_CONSUMER_CONCURRENCY ?? 6} consumed concurrently, fetch minBytes ${process.env.KAFKA_FETCH_MIN_BYTES ?? 1} / maxWait ${process.env.KAFKA_FETCH_MAX_WAIT_MS ?? 50} ms.
Load: autocannon in the benchmark process, ${CONNECTIONS} connections, ${SECONDS} s after ${WARMUP} s warm-up, same request (a citizen with 3 licences).
Every call is a personal-data access: a read, then the access log + outbox event in one statement; then the event is relayed to Kafka and recorded by data-platform — also during the run.

| path | req/s | p50 ms | p99 ms | requests | non-2xx | errors |
|---|---|---|---|---|---|---|
${fmt(viaDispatch)}
${fmt(direct)}

Ratio dispatch / direct: **${ratio}** (target ≥ 0.5). Target through dispatch: ≥ 2,000 req/s at p99 < 50 ms — ${viaDispatch.rps >= 2000 && viaDispatch.p99 < 50 ? '**met**' : '**missed**'}.

CPU use during the measured window (% of one core; the machine has ${cpus().length * 100}%) — dispatch phase: ${Object.entries(viaDispatch.cpu).map(([k, v]) => `${k} ${v}`).join(', ')}; direct phase: ${Object.entries(direct.cpu).map(([k, v]) => `${k} ${v}`).join(', ')}.

Peak RSS (MB) during the runs — dispatch phase: ${Object.entries(viaDispatch.rss).map(([k, v]) => `${k} ${v}`).join(', ')}; direct phase: ${Object.entries(direct.rss).map(([k, v]) => `${k} ${v}`).join(', ')}.
`;
  const file = 'docs/benchmarks.md';
  if (!existsSync(file)) writeFileSync(file, '# Benchmarks\n\nFigures appended by the `npm run bench:*` scripts (newest last). Each section names the machine and the date.\n');
  appendFileSync(file, section);
  log(`appended to ${file}`);
  process.stdout.write(section);
} finally {
  for (const s of started.reverse()) await s.stop().catch(() => undefined);
}
