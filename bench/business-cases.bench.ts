// npm run bench:business-cases — 新生儿出生 (一件事) end to end: applications submitted to the
// business platform, eight parts dispatched over Kafka to five departments in dependency order and
// decided by the simulated department (no delay), the birth certificate issued as an e-licence and
// sealed by tech-capabilities, the case archived and the applicant told — each case until it is
// delivered. Counted in the databases afterwards: cases delivered, licences per case (exactly one),
// archive packages. Platform time per case: submitted_at → delivered_at, as the platform recorded them.
// Targets (issue 15): ≥ 50 cases/s sustained over 5,000 cases, p50 platform time < 1 s, 0 lost and
// 0 duplicated outcomes; CPU milliseconds per case by process.
// Real components: PostgreSQL (DATABASE_URL or the local server, fresh database), Apache Kafka
// (KAFKA_BROKERS or deploy/local/kafka). Options: BENCH_CASES (5000), BENCH_CONCURRENCY (24).
import { appendFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import pg from 'pg';
import { generateCitizenId } from '@gmp/gov-standards';
// @ts-expect-error plain ESM helpers shared with the test setup
import { obtainKafka, obtainPostgres } from '../libs/testing/src/test-infrastructure.mjs';
// @ts-expect-error plain ESM helper
import { cpuSnapshot, startApp } from './bench-kit.mjs';

const CASES = Number(process.env['BENCH_CASES'] ?? 5_000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 24);
const TOKEN = 'bench-internal-api-token';
const BUNDLE = 'JS-YJS-XSECS';
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

const started: { stop(): Promise<unknown> }[] = [];
try {
  const postgres = await obtainPostgres();
  started.push(postgres);
  const kafka = await obtainKafka(log);
  started.push(kafka);
  const env = {
    NODE_ENV: 'development',
    DATABASE_URL: postgres.value,
    KAFKA_BROKERS: kafka.value,
    SUBJECT_KEY_SECRET: 'bench-subject-key-secret-0123456789',
    CRYPTO_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    SEED_DEMO: 'true',
    LOG_LEVEL: 'warn',
    INTERNAL_API_TOKEN: TOKEN,
    OUTBOX_POLL_MS: '50',
    BUSINESS_SIMULATED_DEPARTMENTS: 'true',
    BUSINESS_SIMULATED_DELAY_MS: '0',
  };
  const apps: Record<string, { child: { pid?: number; kill(s: string): void }; url: string }> = {};
  for (const app of ['tech-capabilities', 'data-platform', 'business-platform']) {
    apps[app] = await startApp(app, env);
    started.push({ stop: async () => apps[app]!.child.kill('SIGTERM') });
  }
  const base = `${apps['business-platform']!.url}/internal/v1/business`;
  const headers = { 'x-internal-token': TOKEN, 'content-type': 'application/json', 'x-caller': 'bench@window' };
  type Plan = { form: { id: string; type: string; source: string; codeList?: string[] }[] };
  const plan = await (async (): Promise<Plan> => {
    for (const deadline = Date.now() + 120_000; ; await new Promise((r) => setTimeout(r, 500))) {
      const r = await fetch(`${base}/bundles/${BUNDLE}`, { headers });
      if (r.status === 200) return ((await r.json()) as { plan: Plan }).plan;
      if (Date.now() > deadline) throw new Error(`bundle ${BUNDLE} not published: ${r.status}`);
    }
  })();
  const VALUES: Record<string, unknown> = {
    string: '基准值',
    number: 1,
    boolean: true,
    date: '2026-11-30',
    datetime: '2026-11-30T08:15:00+08:00',
    phone: '13800138000',
  };
  const formFor = (id: string) =>
    Object.fromEntries(
      // Every field typed: the generated applicants are not in the population library, so nothing is prefilled for them.
      plan.form.map((f) => [f.id, f.type === 'code' ? f.codeList![0] : f.type === 'citizenId' ? id : VALUES[f.type]]),
    );
  const applicants = Array.from({ length: CASES }, (_, i) => ({
    id: generateCitizenId({
      regionCode: String(320101 + (i % 97)),
      birthDate: `19${70 + (i % 25)}-0${1 + (i % 9)}-1${i % 10}`,
      sequence: Math.floor(i / 97) % 1000,
    }),
    name: `基准${i}`,
  }));

  const client = new pg.Client({ connectionString: postgres.value });
  await client.connect();
  const pids = {
    'business-platform': apps['business-platform']!.child.pid,
    'tech-capabilities': apps['tech-capabilities']!.child.pid,
    'data-platform': apps['data-platform']!.child.pid,
    ...(kafka.pid ? { 'kafka broker (JVM)': kafka.pid } : {}),
  };
  const before = cpuSnapshot(pids);
  const t0 = performance.now();
  let next = 0;
  let refused = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < CASES; i = next++) {
        const r = await fetch(`${base}/applications`, {
          method: 'POST',
          headers: { ...headers, 'idempotency-key': `bench-case-${i}` },
          body: JSON.stringify({ bundleCode: BUNDLE, applicant: applicants[i], form: formFor(applicants[i]!.id) }),
        });
        if (r.status !== 201) {
          refused++;
          if (refused <= 3) log(`submission ${i}: ${r.status} ${(await r.text()).slice(0, 300)}`);
        } else await r.arrayBuffer();
      }
    }),
  );
  const submittedMs = performance.now() - t0;
  log(`${fmt(CASES)} submitted in ${fmt(submittedMs)} ms (${refused} refused)`);
  const count = async (sql: string) => Number((await client.query(sql)).rows[0].n);
  for (let last = -1, stalledSince = performance.now(); ; await new Promise((r) => setTimeout(r, 1000))) {
    const done = await count(`SELECT count(*) AS n FROM business.biz_case WHERE delivery_status IN ('delivered', 'failed')`);
    if (done >= CASES - refused) break;
    if (done !== last) [last, stalledSince] = [done, performance.now()];
    else if (performance.now() - stalledSince > 120_000) {
      log(`no progress for 2 minutes at ${done} delivered`);
      break;
    }
  }
  const wallMs = performance.now() - t0;
  const after = cpuSnapshot(pids);

  const cases = (
    await client.query(
      `SELECT status, delivery_status, extract(epoch FROM (delivered_at - submitted_at)) * 1000 AS ms, submitted_at, delivered_at FROM business.biz_case`,
    )
  ).rows as { status: string; delivery_status: string | null; ms: number | null; submitted_at: Date; delivered_at: Date | null }[];
  const delivered = cases.filter((c) => c.delivery_status === 'delivered');
  const times = delivered.map((c) => Number(c.ms)).sort((a, b) => a - b);
  const firstIn = Math.min(...cases.map((c) => c.submitted_at.getTime()));
  const lastOut = Math.max(...delivered.map((c) => c.delivered_at!.getTime()));
  const rate = (delivered.length / (lastOut - firstIn)) * 1000;
  const licences = await count(`SELECT count(*) AS n FROM tech.licence WHERE issue_key LIKE 'YJS%'`);
  const duplicated = await count(
    `SELECT count(*) AS n FROM (SELECT split_part(issue_key, ':', 1) FROM tech.licence WHERE issue_key LIKE 'YJS%' GROUP BY 1 HAVING count(*) > 1) d`,
  );
  const casesWithLicence = await count(
    `SELECT count(DISTINCT split_part(issue_key, ':', 1)) AS n FROM tech.licence WHERE issue_key LIKE 'YJS%'`,
  );
  const archived = await count(`SELECT count(*) AS n FROM tech.archive_package WHERE case_id LIKE 'YJS%'`);
  const lost = CASES - delivered.length;
  await client.end();
  log(`${delivered.length} delivered; licences ${licences}, duplicated ${duplicated}, archived ${archived}`);

  const perCase = Object.keys(after)
    .map((k) => `${k} ${((after[k] - before[k]) * 1000) / Math.max(1, delivered.length)}`)
    .map((s) => s.replace(/ ([\d.]+)$/, (_, v: string) => ` ${Number(v).toFixed(1)}`))
    .join(', ');
  const met =
    CASES >= 5_000 && rate >= 50 && pct(times, 50) < 1000 && lost === 0 && duplicated === 0 && casesWithLicence === delivered.length;
  const at = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const section = [
    `## bench:business-cases — ${at} UTC`,
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; Kafka: ${kafka.source}; PostgreSQL: ${postgres.description.split(',')[0]}.`,
    `${fmt(CASES)} applications of 新生儿出生 (8 matters, 5 departments, 4 stages) sent to business-platform's API by ${CONCURRENCY} concurrent clients; parts dispatched over Kafka in dependency order and decided by the simulated department (no delay); each case's birth certificate issued as an e-licence and sealed (tech-capabilities, over Kafka), the case archived and the applicant notified. tech-capabilities, data-platform and business-platform as separate processes; counts from the databases after the run. Platform time: submitted_at → delivered_at as recorded by the platform.`,
    '',
    '| path | cases | delivered | cases/s | p50 ms | p95 ms | max ms | lost | duplicated licences | licences | archived |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    `| submission → 8 parts → licence issued and sealed → archived, notified | ${CASES} | ${delivered.length} | ${rate.toFixed(1)} | ${fmt(pct(times, 50))} | ${fmt(pct(times, 95))} | ${fmt(times.at(-1) ?? NaN)} | ${lost} | ${duplicated} | ${licences} | ${archived} |`,
    '',
    `Submissions took ${(submittedMs / 1000).toFixed(1)} s (${refused} refused); the whole run ${(wallMs / 1000).toFixed(1)} s.`,
    `Target ≥ 50 cases/s over 5,000 cases, p50 < 1 s, 0 lost, 0 duplicated: **${met ? 'met' : 'missed'}**.`,
    '',
    `CPU milliseconds per delivered case: ${perCase}.`,
    '',
  ].join('\n');
  appendFileSync('docs/benchmarks.md', `\n${section}`);
  process.stdout.write(section);
} finally {
  for (const s of started.reverse()) await s.stop().catch(() => undefined);
}
