// npm run bench:data-read — the data service `data.read` (共享数据读取) through service-dispatch:
// an approved grant of four population items (ID number, name, birth date, address), a different
// citizen each call, values masked by grade, and each read's usage record ("who used my data",
// SM3-chained) written before the answer. Target (issue 14): ≥ 2,000/s at p99 < 30 ms, with the
// CPU per read of each process reported.
// Real components: PostgreSQL (DATABASE_URL or the local server, fresh database), Apache Kafka
// (KAFKA_BROKERS or deploy/local/kafka), Redis (REDIS_URL or a local server).
// Options: BENCH_SECONDS (15), BENCH_CONNECTIONS (32), BENCH_CITIZENS (10000), BENCH_WARMUP_SECONDS (5).
import { appendFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import autocannon from 'autocannon';
import pg from 'pg';
import { generateCitizenId } from '@gmp/gov-standards';
// @ts-expect-error plain ESM helpers shared with the test setup
import { obtainKafka, obtainPostgres, obtainRedis } from '../libs/testing/src/test-infrastructure.mjs';
// @ts-expect-error plain ESM helper
import { benchEnv, cpuSnapshot, rssMb, startApps } from './bench-kit.mjs';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 15);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32);
const CITIZENS = Number(process.env['BENCH_CITIZENS'] ?? 10_000);
const WARMUP = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 5);
const POP = 'JS-GA-RK-0001';
const OWNER = '省公安厅';
const INTERNAL = { 'content-type': 'application/json', 'x-internal-token': 'bench-internal-api-token' };
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en');

async function post(url: string, body: unknown, headers: Record<string, string>) {
  const r = await fetch(url, { method: 'POST', headers: { ...INTERNAL, ...headers }, body: JSON.stringify(body) });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${url} answered ${r.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

const started: { stop(): Promise<unknown> }[] = [];
try {
  const postgres = await obtainPostgres();
  started.push(postgres);
  const kafka = await obtainKafka(log);
  started.push(kafka);
  const redis = await obtainRedis();
  started.push(redis);
  const env = benchEnv(
    { postgres, kafka, redis },
    {
      SEED_DEMO: 'true',
      DEMO_APP_SECRET: 'bench-secret',
      INTERNAL_API_TOKEN: 'bench-internal-api-token',
      // rate limiting stays on (through Redis), its limit above what one app sends here
      DISPATCH_RATE_PER_SECOND: '100000',
    },
  );
  const cluster = await startApps(['tech-capabilities', 'data-platform', 'service-dispatch'], env);
  started.push({ stop: cluster.stop });
  const [tech, data, dispatch] = cluster.apps as { url: string; child: { pid: number } }[];

  // The citizens, through the backfill (the same checks as every record).
  const citizens: string[] = [];
  for (let i = 0; citizens.length < CITIZENS; i++) {
    const birthDate = `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 9}`;
    citizens.push(generateCitizenId({ regionCode: String(320102 + (i % 7)), birthDate, sequence: Math.floor(i / 7) % 1000 }));
  }
  const unique = [...new Set(citizens)];
  for (let i = 0; i < unique.length; i += 1000) {
    const stored = await post(
      `${data!.url}/internal/v1/data/resources/${POP}/records`,
      {
        department: OWNER,
        records: unique.slice(i, i + 1000).map((sfzh, n) => ({
          updatedAt: '2026-12-01T09:00:00+08:00',
          record: {
            sfzh,
            xm: `基准${i + n}`,
            xb: n % 2 ? '1' : '2',
            csrq: `${sfzh.slice(6, 10)}-${sfzh.slice(10, 12)}-${sfzh.slice(12, 14)}`,
            hjdz: '南京市玄武区珠江路1号',
            hjzt: 'normal',
          },
        })),
      },
      { 'x-caller': 'bench@feed' },
    );
    if (Number(stored['stored']) !== Math.min(1000, unique.length - i))
      throw new Error(`backfill: ${JSON.stringify(stored).slice(0, 500)}`);
  }
  log(`${fmt(unique.length)} citizens stored`);

  // An approved grant for the demo portal.
  const share = await post(
    `${data!.url}/internal/v1/data/sharing/applications`,
    {
      resourceCode: POP,
      applicantDepartment: '南京市玄武区卫生健康委员会',
      appKey: 'demo-portal',
      items: ['sfzh', 'xm', 'csrq', 'hjdz'],
      purpose: '基准测试：核验户籍信息',
      legalBasis: '《江苏省政务数据管理办法》第二十条',
      validDays: 30,
    },
    { 'x-caller': 'clerk@bench' },
  );
  if (share['status'] !== 'approved')
    await post(
      `${data!.url}/internal/v1/data/sharing/applications/${String(share['id'])}/decision`,
      { department: OWNER, approve: true, reason: '基准测试' },
      { 'x-caller': 'reviewer@bench' },
    );

  const auth = `Basic ${Buffer.from('demo-portal:bench-secret').toString('base64')}`;
  let next = 0;
  const run = (seconds: number) =>
    new Promise<autocannon.Result>((resolve, reject) => {
      autocannon(
        {
          url: `${dispatch!.url}/v1/capabilities/data.read/invoke`,
          method: 'POST',
          connections: CONNECTIONS,
          duration: seconds,
          headers: {
            'content-type': 'application/json',
            authorization: auth,
            'x-purpose': encodeURIComponent('基准测试'),
            'x-case-id': 'BENCH-0001',
          },
          requests: [
            {
              setupRequest: (req: Record<string, unknown>) => ({
                ...req,
                body: JSON.stringify({ grantId: share['id'], subjectId: unique[next++ % unique.length] }),
              }),
            },
          ],
          timeout: 10,
        } as unknown as autocannon.Options,
        (err, result) => (err ? reject(err) : resolve(result)),
      );
    });
  // One read checked by hand: masked, and the right items.
  const probe = await fetch(`${dispatch!.url}/v1/capabilities/data.read/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: auth, 'x-purpose': encodeURIComponent('基准测试') },
    body: JSON.stringify({ grantId: share['id'], subjectId: unique[0] }),
  });
  const sample = (await probe.json()) as { masked?: boolean; items?: Record<string, string> };
  if (probe.status !== 200 || sample.masked !== true || Object.keys(sample.items ?? {}).length !== 4)
    throw new Error(`data.read probe answered ${probe.status}: ${JSON.stringify(sample).slice(0, 300)}`);
  await run(WARMUP);

  const pids: Record<string, number> = {
    'service-dispatch': dispatch!.child.pid,
    'data-platform': data!.child.pid,
    'tech-capabilities': tech!.child.pid,
  };
  if (kafka.pid) pids['kafka broker (JVM)'] = kafka.pid;
  const db = new pg.Client({ connectionString: postgres.value });
  await db.connect();
  const usageRecords = async () =>
    Number((await db.query(`SELECT count(*) FROM data.data_access_record WHERE legal_basis = $1`, [`grant:${share['id']}`])).rows[0].count);
  const records0 = await usageRecords();
  const peak: Record<string, number> = {};
  const sampler = setInterval(() => {
    for (const [n, pid] of Object.entries(pids)) peak[n] = Math.max(peak[n] ?? 0, rssMb(pid) ?? 0);
  }, 500);
  const before = cpuSnapshot(pids);
  const r = await run(SECONDS);
  const after = cpuSnapshot(pids);
  clearInterval(sampler);
  // The usage records of the measured reads (written before each answer).
  const written = (await usageRecords()) - records0;
  await db.end();
  const ok = r.requests.total - r.non2xx;
  const cpu = Object.keys(after)
    .map(
      (k) =>
        `${k} ${Math.round(((after[k] - before[k]) / SECONDS) * 100)}% (${(((after[k] - before[k]) * 1000) / Math.max(ok, 1)).toFixed(2)} ms per read)`,
    )
    .join(', ');
  const met = r.requests.average >= 2000 && r.latency.p99 < 30 && r.non2xx === 0 && r.errors + r.timeouts === 0;
  const section = [
    `## bench:data-read — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; Kafka: ${kafka.source}; PostgreSQL: ${postgres.description.split(',')[0]}.`,
    `\`data.read\` through service-dispatch (HTTP → Kafka request-reply → data-platform): the demo portal's approved grant of 4 population items, a different one of ${fmt(unique.length)} citizens each call, values masked by grade, the usage record written (SM3-chained) before each answer; autocannon in the benchmark process, ${CONNECTIONS} connections, ${SECONDS} s after ${WARMUP} s warm-up; dispatch's app authentication, grant check, Redis rate limit and audit on.`,
    '',
    '| path | req/s | p50 ms | p99 ms | requests | non-2xx | errors | usage records written |',
    '|---|---|---|---|---|---|---|---|',
    `| data.read through dispatch | ${Math.round(r.requests.average)} | ${r.latency.p50} | ${r.latency.p99} | ${r.requests.total} | ${r.non2xx} | ${r.errors + r.timeouts} | ${written} |`,
    '',
    `Target ≥ 2,000/s at p99 < 30 ms: **${met ? 'met' : 'missed'}**.`,
    '',
    `CPU during the run (% of one core; the machine has ${cpus().length * 100}%): ${cpu}. Peak RSS MB: ${Object.entries(peak)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    '',
  ].join('\n');
  appendFileSync('docs/benchmarks.md', `\n${section}`);
  process.stdout.write(section);
} finally {
  for (const s of started.reverse()) await s.stop().catch(() => undefined);
}
