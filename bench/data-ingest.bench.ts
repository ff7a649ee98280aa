// npm run bench:data-ingest — ingestion (数据归集) of population records published on Kafka
// (data.record.published.v1), each checked against the catalogue's record schema and quality rules
// (GB 11643 check character, dates, code lists) and stored with history by data-platform; beside
// it, in the same run, a raw COPY of the same rows into the same table (pg-copy-streams).
// Targets (issue 14): ≥ 20,000 records/s sustained, ≥ 0.25× the raw COPY, data-platform RSS < 512 MB.
// Real components: PostgreSQL (DATABASE_URL or the local server, fresh database), Apache Kafka
// (KAFKA_BROKERS or deploy/local/kafka). Options: BENCH_RECORDS (1000000).
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { subjectKeyOf, Topic, wireTopicOf } from '@gmp/contracts';
import { generateCitizenId } from '@gmp/gov-standards';
// @ts-expect-error plain ESM helpers shared with the test setup
import { obtainKafka, obtainPostgres } from '../libs/testing/src/test-infrastructure.mjs';
// @ts-expect-error plain ESM helper
import { cpuSnapshot, rssMb, startApp } from './bench-kit.mjs';

const RECORDS = Number(process.env['BENCH_RECORDS'] ?? 1_000_000);
const SECRET = 'bench-subject-key-secret-0123456789';
const RESOURCE = 'JS-GA-RK-0001';
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en');

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
    SUBJECT_KEY_SECRET: SECRET,
    CRYPTO_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    SEED_DEMO: 'true',
    LOG_LEVEL: 'warn',
    INTERNAL_API_TOKEN: 'bench-internal-api-token',
  };
  const data = await startApp('data-platform', env);
  started.push({ stop: async () => data.child.kill('SIGTERM') });

  // The records: distinct valid citizen ID numbers (GB 11643), one per record.
  const records: Record<string, unknown>[] = [];
  for (let i = 0; records.length < RECORDS; i++) {
    const region = String(320101 + (i % 97)).padStart(6, '0');
    const day = 1 + (Math.floor(i / 97) % 28);
    const month = 1 + (Math.floor(i / (97 * 28)) % 12);
    const year = 1940 + (Math.floor(i / (97 * 28 * 12)) % 80);
    const birthDate = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    const sequence = Math.floor(i / (97 * 28 * 12 * 80)) % 1000;
    records.push({
      sfzh: generateCitizenId({ regionCode: region, birthDate, sequence }),
      xm: `基准${i}`,
      xb: i % 2 ? '1' : '2',
      csrq: birthDate,
      hjzt: 'normal',
    });
  }
  log(`${fmt(RECORDS)} records generated`);

  const client = new pg.Client({ connectionString: postgres.value });
  await client.connect();
  const stored = async () =>
    Number((await client.query(`SELECT count(*) FROM data.data_record WHERE resource_code = $1`, [RESOURCE])).rows[0].count);

  // 1. Through Kafka: produce everything (keyed by ID number), then wait until every record is stored.
  const broker = new Kafka({ clientId: 'bench-ingest', brokers: kafka.value.split(','), logLevel: logLevel.NOTHING });
  const producer = broker.producer();
  await producer.connect();
  const updatedAt = new Date(Date.now() - 60_000).toISOString();
  const before = cpuSnapshot({ 'data-platform': data.child.pid, ...(kafka.pid ? { 'kafka broker (JVM)': kafka.pid } : {}) });
  let maxRss = rssMb(data.child.pid) ?? 0;
  const sampler = setInterval(() => (maxRss = Math.max(maxRss, rssMb(data.child.pid) ?? 0)), 250);
  const t0 = performance.now();
  for (let i = 0; i < records.length; i += 2000) {
    await producer.send({
      topic: wireTopicOf(Topic.DataRecordPublished),
      messages: records.slice(i, i + 2000).map((record) => ({
        key: String(record['sfzh']),
        value: JSON.stringify({ eventId: randomUUID(), resourceCode: RESOURCE, department: '省公安厅', updatedAt, record }),
      })),
    });
  }
  const produced = performance.now() - t0;
  log(`produced in ${fmt(produced)} ms`);
  let n = 0;
  for (;;) {
    n = await stored();
    if (n >= RECORDS) break;
    if (performance.now() - t0 > 3_600_000) throw new Error(`only ${n} of ${RECORDS} stored after an hour`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const ingestMs = performance.now() - t0;
  clearInterval(sampler);
  const after = cpuSnapshot({ 'data-platform': data.child.pid, ...(kafka.pid ? { 'kafka broker (JVM)': kafka.pid } : {}) });
  const [{ count: quarantined }] = (await client.query(`SELECT count(*) FROM data.data_quarantine WHERE resource_code = $1`, [RESOURCE]))
    .rows;
  await producer.disconnect();
  const ingestRate = (RECORDS / ingestMs) * 1000;
  log(`ingested ${fmt(RECORDS)} in ${fmt(ingestMs)} ms: ${fmt(ingestRate)}/s`);

  // 2. Raw COPY of the same rows into the same table (another resource code), nothing checked.
  const t1 = performance.now();
  const lines = (function* () {
    for (const r of records) {
      const { sfzh, ...values } = r;
      const key = subjectKeyOf(String(sfzh), SECRET);
      yield `BENCH-COPY\t${key}\t${String(sfzh).slice(0, 6)}********${String(sfzh).slice(-4)}\t${JSON.stringify(values)}\t1\t1\t省公安厅\t${updatedAt}\t${new Date().toISOString()}\tcopy\t[]\n`;
    }
  })();
  await pipeline(
    Readable.from(lines),
    client.query(
      copyFrom(
        `COPY data.data_record (resource_code, record_key, key_masked, "values", version, resource_version, source_department, source_updated_at, received_at, origin, subject_links) FROM STDIN`,
      ),
    ),
  );
  const copyMs = performance.now() - t1;
  const copyRate = (RECORDS / copyMs) * 1000;
  log(`raw COPY ${fmt(RECORDS)} in ${fmt(copyMs)} ms: ${fmt(copyRate)}/s`);
  await client.end();

  const cpu = Object.keys(after)
    .map((k) => `${k} ${Math.round(((after[k] - before[k]) / (ingestMs / 1000)) * 100)}`)
    .join(', ');
  const ratio = ingestRate / copyRate;
  const met = ingestRate >= 20_000 && ratio >= 0.25 && maxRss < 512;
  const at = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const section = [
    `## bench:data-ingest — ${at} UTC`,
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; Kafka: ${kafka.source}; PostgreSQL: ${postgres.description.split(',')[0]}.`,
    `${fmt(RECORDS)} population records (distinct valid ID numbers) published on \`data.record.published.v1\`, keyed by ID number; data-platform checks each against the record schema and the quality rules and stores it with history (a fetched batch per transaction: one locked read, then one multi-row insert or update per resource that writes the history rows in the same statement; applied once by comparison, no processed mark). Raw COPY: the same rows into the same table, nothing checked, in the same run.`,
    '',
    '| path | records | seconds | records/s | ratio to COPY | data-platform max RSS MB | quarantined |',
    '|---|---|---|---|---|---|---|',
    `| Kafka → checked → stored with history | ${RECORDS} | ${(ingestMs / 1000).toFixed(1)} | ${fmt(ingestRate)} | ${ratio.toFixed(3)} | ${maxRss} | ${quarantined} |`,
    `| raw COPY (same table) | ${RECORDS} | ${(copyMs / 1000).toFixed(1)} | ${fmt(copyRate)} | 1 | — | — |`,
    '',
    `Target ≥ 20,000 records/s, ≥ 0.25× the raw COPY, RSS < 512 MB: **${met ? 'met' : 'missed'}**.`,
    '',
    `CPU during ingestion (% of one core; the machine has ${cpus().length * 100}%): ${cpu}.`,
    '',
  ].join('\n');
  appendFileSync('docs/benchmarks.md', `\n${section}`);
  process.stdout.write(section);
} finally {
  for (const s of started.reverse()) await s.stop().catch(() => undefined);
}
