// npm run bench:dispatch — throughput and latency of the e-licence lookup through
// service-dispatch over Kafka, side by side with a direct HTTP call to tech-capabilities, in
// one run on this machine; the same through dispatch again with 200 more capabilities in the
// registry (the catalogue-size check of issue 12); one call at a time on both paths (what
// long-polling fetches cost at low load); each process's CPU (and the broker's per call) and RSS.
// Appends the figures to docs/benchmarks.md.
//
// Everything is real: three service processes (cluster mode), Apache Kafka 3.9.1 (KAFKA_BROKERS
// or deploy/local/kafka), PostgreSQL (DATABASE_URL or the local server, fresh database), Redis.
// Both paths read the same citizen's licences with one access basis each: through dispatch the
// demo portal's granted legal basis; directly, the citizen's use authorisation for the caller
// 'bench' (the internal lookup takes no legal basis), written as the holder's consent would be.
// Options (env): BENCH_SECONDS (15), BENCH_CONNECTIONS (16), BENCH_WARMUP_SECONDS (10: the broker's JIT warms up),
// BENCH_EXTRA_CAPABILITIES (200).
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { createHmac, randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import autocannon from 'autocannon';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { obtainKafka, obtainPostgres, obtainRedis } from '../libs/testing/src/test-infrastructure.mjs';
import { cpuSnapshot, rssMb, startApp } from './bench-kit.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const EXTRA = Number(process.env.BENCH_EXTRA_CAPABILITIES ?? 200);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
const HOLDER = { holderType: 'person', holderId: '11010519491231002X' };
const log = (line) => process.stderr.write(`[bench] ${line}\n`);

function load(url, headers, seconds, connections = CONNECTIONS) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        method: 'POST',
        connections,
        duration: seconds,
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(HOLDER),
        timeout: 10,
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

async function measure(name, url, headers, pids, connections = CONNECTIONS) {
  await load(url, headers, WARMUP, connections);
  const peak = {};
  const sampler = setInterval(() => {
    for (const [n, pid] of Object.entries(pids)) peak[n] = Math.max(peak[n] ?? 0, rssMb(pid) ?? 0);
  }, 500);
  const before = cpuSnapshot(pids);
  const r = await load(url, headers, SECONDS, connections);
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
    brokerMsPerCall:
      after['kafka broker (JVM)'] === undefined
        ? null
        : ((after['kafka broker (JVM)'] - before['kafka broker (JVM)']) * 1000) / Math.max(1, r.requests.total),
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
    // BENCH_PROFILE=dir: V8 CPU profiles of the services written there when they stop (see startApp).
  };
  const tech = await startApp('tech-capabilities', env);
  const data = await startApp('data-platform', env);
  const dispatch = await startApp('service-dispatch', env);
  started.push({
    stop: async () => {
      await Promise.all(
        [dispatch, data, tech].map((s) => {
          s.child.kill('SIGTERM');
          return new Promise((r) => s.child.once('exit', r));
        }),
      );
    },
  });
  const pids = { 'service-dispatch': dispatch.child.pid, 'tech-capabilities': tech.child.pid, 'data-platform': data.child.pid };
  const brokerPid = kafka.pid;
  if (brokerPid) pids['kafka broker (JVM)'] = brokerPid;

  // The direct path's access basis: the holder's use authorisation for the caller 'bench' (all licences, one hour).
  const db = new pg.Client({ connectionString: postgres.value });
  await db.connect();
  const holderKey = createHmac('sha256', env.SUBJECT_KEY_SECRET).update(HOLDER.holderId.toUpperCase()).digest('hex');
  await db.query(
    `INSERT INTO tech.licence_use_authorisation (id, holder_key, licence_id, grantee, purpose, valid_until) VALUES ($1, $2, NULL, 'bench', 'bench', now() + interval '1 hour')`,
    [randomUUID(), holderKey],
  );

  const auth = `Basic ${Buffer.from('demo-portal:bench-secret').toString('base64')}`;
  const dispatchUrl = `${dispatch.url}/v1/capabilities/e-licence.query-by-holder/invoke`;
  const dispatchHeaders = { authorization: auth, 'x-purpose': 'bench', 'x-legal-basis': 'demo.gov-data-sharing' };
  const directUrl = `${tech.url}/internal/v1/licences/query-by-holder`;
  const directHeaders = { 'x-caller': 'bench', 'x-purpose': 'bench', 'x-internal-token': 'bench-internal-api-token' };
  const viaDispatch = await measure(
    'through dispatch (HTTP → Kafka request-reply → tech-capabilities)',
    dispatchUrl,
    dispatchHeaders,
    pids,
  );
  const direct = await measure('direct HTTP to tech-capabilities', directUrl, directHeaders, pids);

  // The same again right before the catalogue grows: the catalogue-size ratio compares two adjacent
  // phases (the first dispatch phase runs on a colder broker and services).
  const again = await measure('through dispatch, again before the catalogue grows', dispatchUrl, dispatchHeaders, pids);
  // 200 more capabilities in dispatch's registry, announced by a provider the way tech-capabilities announces its own.
  const catalogueBefore = Number((await db.query('SELECT count(*) FROM dispatch.capability_version')).rows[0].count);
  if (EXTRA > 0) {
    const producer = new Kafka({ clientId: 'bench-catalogue', brokers: [kafka.value], logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const schema = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: false };
    const capabilities = Array.from({ length: EXTRA }, (_, i) => ({
      code: `bench.extra-${String(i).padStart(3, '0')}`,
      version: '1',
      name: `扩展能力 ${i} (extra capability ${i})`,
      description: 'bench:dispatch catalogue-size check',
      ownerDepartment: 'bench',
      topic: `bench.catalogue.extra-${i}.v1`,
      timeoutMs: 3000,
      idempotent: true,
      inputSchema: schema,
      outputSchema: schema,
    }));
    const event = {
      meta: { messageId: randomUUID(), correlationId: randomUUID(), app: 'bench-catalogue', sentAt: new Date().toISOString() },
      provider: 'bench-catalogue',
      capabilities,
    };
    await producer.send({
      topic: 'platform.capability.announced.v1',
      messages: [{ key: 'bench-catalogue', value: JSON.stringify(event), headers: { 'x-event-id': event.meta.messageId } }],
    });
    await producer.disconnect();
    const deadline = Date.now() + 30_000;
    while (Number((await db.query('SELECT count(*) FROM dispatch.capability_version')).rows[0].count) < catalogueBefore + EXTRA) {
      if (Date.now() > deadline) throw new Error('the extra capabilities did not reach the registry within 30 s');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const catalogueAfter = Number((await db.query('SELECT count(*) FROM dispatch.capability_version')).rows[0].count);
  const withExtra = await measure(`through dispatch, ${EXTRA} more capabilities registered`, dispatchUrl, dispatchHeaders, pids);
  const single = await measure('through dispatch, one call at a time', dispatchUrl, dispatchHeaders, pids, 1);
  const singleDirect = await measure('direct HTTP, one call at a time', directUrl, directHeaders, pids, 1);
  await db.end();
  const admin = new Kafka({ clientId: 'bench-topics', brokers: [kafka.value], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const { topics } = await admin.fetchTopicMetadata();
  await admin.disconnect();
  const platformTopics = topics.filter((t) => !t.name.startsWith('__'));

  const ratio = (viaDispatch.rps / direct.rps).toFixed(2);
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const fmt = (r) =>
    `| ${r.name} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.total} | ${r.non2xx} | ${r.errors} | ${r.brokerMsPerCall === null ? '—' : r.brokerMsPerCall.toFixed(3)} |`;
  const sameLoad =
    direct.p99 < 50
      ? viaDispatch.p99 < 50
        ? '**met**'
        : '**missed**'
      : "not measured (the direct call's p99 is not < 50 ms at this load: lower BENCH_CONNECTIONS)";
  const extraRatio = withExtra.rps / again.rps;
  const section = `
## bench:dispatch — ${date} UTC

Machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; Kafka: ${kafka.source}; PostgreSQL: ${postgres.description.split(',')[0]}.
Kafka settings of the services: ${process.env.KAFKA_PARTITIONS ?? 6} partitions per topic, ${process.env.KAFKA_CONSUMER_CONCURRENCY ?? 6} consumed concurrently, fetch minBytes ${process.env.KAFKA_FETCH_MIN_BYTES ?? 1} / maxWait ${process.env.KAFKA_FETCH_MAX_WAIT_MS ?? 1000} ms; topic layout: one request topic per provider, one reply topic per caller (${platformTopics.length} topics, ${platformTopics.reduce((n, t) => n + t.partitions.length, 0)} partitions on the broker at the end of the run, Kafka's own aside).
Load: autocannon in the benchmark process, ${CONNECTIONS} connections, ${SECONDS} s after ${WARMUP} s warm-up, same request (a citizen with 3 licences); every check on in dispatch (app credentials, grant, legal basis, rate limit in Redis, circuit breaker, call audit).
Every call is a personal-data access: a read, then the access log + outbox event in one statement; then the event is relayed to Kafka and recorded by data-platform — also during the run.
Registry: ${catalogueBefore} capability versions, then ${catalogueAfter} after ${EXTRA} more were announced.

| path | req/s | p50 ms | p99 ms | requests | non-2xx | errors | broker CPU ms per call |
|---|---|---|---|---|---|---|---|
${fmt(viaDispatch)}
${fmt(direct)}
${fmt(again)}
${fmt(withExtra)}
${fmt(single)}
${fmt(singleDirect)}

Ratio dispatch / direct: **${ratio}** (target ≥ 0.5). Through dispatch p99 < 50 ms at the load where the direct call's p99 is < 50 ms: ${sameLoad}. Broker CPU per call through dispatch: **${viaDispatch.brokerMsPerCall === null ? 'not measured (external broker)' : `${viaDispatch.brokerMsPerCall.toFixed(3)} ms`}** (target ≤ 0.3 ms). With ${EXTRA} more capabilities registered: **${extraRatio.toFixed(2)}×** the throughput of the phase just before (target within 10 %). One call at a time: p50 ${single.p50} ms through dispatch, ${singleDirect.p50} ms direct. Target through dispatch: ≥ 2,000 req/s at p99 < 50 ms — ${viaDispatch.rps >= 2000 && viaDispatch.p99 < 50 ? '**met**' : '**missed**'}.

CPU use during the measured window (% of one core; the machine has ${cpus().length * 100}%) — ${[
    ['dispatch phase', viaDispatch],
    ['direct phase', direct],
    ['extra-capabilities phase', withExtra],
  ]
    .map(
      ([n, r]) =>
        `${n}: ${Object.entries(r.cpu)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
    )
    .join('; ')}.

Peak RSS (MB) during the runs — dispatch phase: ${Object.entries(viaDispatch.rss)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}; direct phase: ${Object.entries(direct.rss)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}.
`;
  const file = 'docs/benchmarks.md';
  if (!existsSync(file))
    writeFileSync(
      file,
      '# Benchmarks\n\nFigures appended by the `npm run bench:*` scripts (newest last). Each section names the machine and the date.\n',
    );
  appendFileSync(file, section);
  log(`appended to ${file}`);
  process.stdout.write(section);
} finally {
  for (const s of started.reverse()) await s.stop().catch(() => undefined);
}
