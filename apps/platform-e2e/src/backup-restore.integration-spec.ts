import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { Topic, wireTopicOf } from '@gmp/contracts';
import { eventually, integrationEnv, TEST_INTERNAL_API_TOKEN } from '@gmp/testing';
import { freePort, ServiceProcess } from './service-process.js';

/**
 * The backup and restore of one service's schema, exactly as docs/operations.md ("Backup and
 * restore, per service") tells an operator: pg_dump of the schema while the service runs, more
 * events consumed after the dump, the service stopped, its schema dropped and restored from the
 * dump, its consumer group rewound to the dump's time — and started again, it holds everything:
 * each event once, its access-log chain whole.
 */
const env = integrationEnv();
const tag = randomBytes(3).toString('hex');
const schema = `data_backup_${tag}`;
const provider = `backup-test-${tag}`;
const topic = wireTopicOf(Topic.LicenceAccessed);

describe('backup and restore of a service schema (the documented procedure)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmp-backup-'));
  let service: ServiceProcess;
  let url: string;
  let db: pg.Client;
  const kafka = new Kafka({ clientId: `backup-${tag}`, brokers: env['KAFKA_BROKERS']!.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  const start = async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    service = new ServiceProcess('data-platform', { ...env, PORT: String(port), DB_SCHEMA: schema, SEED_DEMO: 'false' });
    await service.start(120_000);
  };
  const events = async (n: number) => {
    const ids = Array.from({ length: n }, () => randomUUID());
    await producer.send({
      topic,
      acks: -1,
      messages: ids.map((messageId) => ({
        key: messageId,
        value: JSON.stringify({
          meta: { messageId, correlationId: messageId, app: 'backup-test', sentAt: new Date().toISOString() },
          subjectKey: randomBytes(32).toString('hex'),
          holderType: 'person',
          licenceIds: [],
          accessedAt: new Date().toISOString(),
          provider,
        }),
      })),
    });
    return ids;
  };
  const recorded = async () =>
    (
      await db.query<{ n: number; distinct: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct FROM "${schema}".data_access_record WHERE provider = $1`,
        [provider],
      )
    ).rows[0]!;
  const chain = async () =>
    (await (await fetch(`${url}/internal/v1/data-access/verify`, { headers: { 'x-internal-token': TEST_INTERNAL_API_TOKEN } })).json()) as {
      sealed: number;
      valid: boolean;
    };

  beforeAll(async () => {
    db = new pg.Client({ connectionString: env['DATABASE_URL'] });
    await Promise.all([db.connect(), producer.connect()]);
    await start();
  }, 180_000);

  afterAll(async () => {
    await service?.kill('SIGTERM');
    await producer.disconnect();
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restored from its dump and rewound to the dump’s time, the service holds every event once, and its chain is whole', async () => {
    const before = await events(200);
    await eventually(async () => ((await recorded()).n >= before.length ? true : null), 60_000, 200);
    await eventually(async () => ((await chain()).sealed > 0 ? true : null), 30_000, 500);

    // The backup, while the service runs.
    const dumpedAt = Date.now();
    const file = join(dir, `${schema}.dump`);
    const dump = spawnSync('pg_dump', ['--format=custom', `--schema=${schema}`, `--file=${file}`, env['DATABASE_URL']!], {
      encoding: 'utf8',
    });
    expect({ status: dump.status, stderr: dump.stderr }).toEqual({ status: 0, stderr: '' });

    // Life goes on after the dump.
    const after = await events(300);
    await eventually(async () => ((await recorded()).n >= before.length + after.length ? true : null), 60_000, 200);

    // The disaster and the restore: stopped, dropped, restored — the events after the dump are gone from it.
    await service.kill('SIGTERM');
    await db.query(`DROP SCHEMA "${schema}" CASCADE`);
    const restore = spawnSync('pg_restore', [`--dbname=${env['DATABASE_URL']}`, file], { encoding: 'utf8' });
    expect({ status: restore.status, stderr: restore.stderr }).toEqual({ status: 0, stderr: '' });
    expect((await recorded()).n).toBe(before.length);

    // The consumer group rewound to the dump's time (kafka-consumer-groups.sh --reset-offsets --to-datetime).
    // (The group must have no member left: the broker refuses it until the stopped instance's leave is through.)
    const admin = kafka.admin();
    await admin.connect();
    try {
      const partitions = await admin.fetchTopicOffsetsByTimestamp(topic, dumpedAt);
      await eventually(
        () =>
          admin
            .setOffsets({
              groupId: 'data-platform',
              topic,
              partitions: partitions.map((p) => ({ partition: p.partition, offset: p.offset })),
            })
            .then(() => true)
            .catch(() => null),
        45_000,
        1000,
      );
    } finally {
      await admin.disconnect();
    }

    await start();
    const all = await eventually(
      async () => {
        const r = await recorded();
        return r.n >= before.length + after.length ? r : null;
      },
      90_000,
      250,
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(await recorded()).toEqual({ n: before.length + after.length, distinct: before.length + after.length });
    expect(all.distinct).toBe(all.n);
    // The access log's chain: the restored part and what was re-applied after it, sealed and whole.
    const sealed = await eventually(
      async () => {
        const c = await chain();
        return c.sealed >= before.length + after.length ? c : null;
      },
      30_000,
      500,
    );
    expect(sealed.valid).toBe(true);
  }, 300_000);
});
