import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DEMO_CITIZENS } from '@gmp/feature-tech';
import { eventually, integrationEnv } from '@gmp/testing';
import { LOOKUP, post } from './dispatch-client.js';
import { freePort, runToExit, ServiceProcess } from './service-process.js';
import pg from 'pg';

/**
 * Issue 17, item 6 — start together, converge alone. In Kubernetes every pod starts at once: the
 * four services, their migration jobs and, after a cluster restart, the broker. Here the four start
 * at the same moment before their schemas are migrated and before any broker listens on their
 * KAFKA_BROKERS; each must wait — alive (liveness 200), not ready (readiness 503 naming what it
 * waits for) — and never exit; the migration jobs run, then the broker starts, and all four serve
 * without anyone restarting them.
 */
const env = integrationEnv();
const tag = randomBytes(3).toString('hex');
const APPS = ['tech-capabilities', 'data-platform', 'business-platform', 'service-dispatch'] as const;

interface Readiness {
  status: number;
  body: { status?: string; error?: Record<string, { status: string; message: string }> } | null;
}

describe('the four services started at once, before their migrations and before their broker', () => {
  let broker: { brokers: string[]; stop: () => Promise<void> } | null = null;
  const dataDir = mkdtempSync(join(tmpdir(), 'gmp-together-kafka-'));
  const services = new Map<string, { process: ServiceProcess; url: string; env: Record<string, string> }>();

  const readiness = async (url: string): Promise<Readiness> => {
    const res = await fetch(`${url}/health/ready`).catch(() => null);
    if (!res) return { status: 0, body: null };
    return { status: res.status, body: (await res.json().catch(() => null)) as Readiness['body'] };
  };
  /** Every service's readiness once `test` holds for all of them. */
  const allOf = async (test: (r: Readiness) => boolean, timeoutMs: number) =>
    eventually(
      async () => {
        const answers = await Promise.all([...services.values()].map((s) => readiness(s.url)));
        return answers.every(test) ? answers : null;
      },
      timeoutMs,
      250,
    );
  const exited = () => [...services].filter(([, s]) => s.process.exitCode !== null).map(([app, s]) => `${app}: ${s.process.exitCode}`);

  afterAll(async () => {
    for (const s of services.values()) await s.process.kill('SIGTERM');
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('each waits alive and not ready, saying for what, never exits, and all serve once the jobs have run and the broker is up', async () => {
    const [kafkaPort, controllerPort] = [await freePort(), await freePort()];
    for (const app of APPS) {
      const port = await freePort();
      const own = {
        ...env,
        PORT: String(port),
        KAFKA_BROKERS: `127.0.0.1:${kafkaPort}`,
        DB_SCHEMA: `${app.replace(/-/g, '_')}_together_${tag}`,
        DB_MIGRATE_ON_START: 'false',
        // The waiting is logged as warnings.
        LOG_LEVEL: 'warn',
      };
      services.set(app, { process: new ServiceProcess(app, own), url: `http://127.0.0.1:${port}`, env: own });
    }
    for (const s of services.values()) s.process.launch();

    // Waiting for the migrations (the database is checked first): alive, not ready, saying for what —
    // by name only; why (which may name hosts and schemas) is in the log.
    const first = await allOf((r) => r.status === 503 && r.body?.error?.['database']?.status === 'down', 60_000);
    for (const r of first) {
      expect(r.body?.error?.['kafka']?.status).toBe('down');
      expect(JSON.stringify(r.body)).not.toMatch(/together_|127\.0\.0\.1|ECONNREFUSED/);
    }
    await eventually(async () => ([...services.values()].every((s) => /pending migrations/.test(s.process.output)) ? true : null), 60_000);
    for (const s of services.values()) expect((await fetch(`${s.url}/health/live`)).status).toBe(200);
    // Anything else than the probes is refused as not ready yet, not left hanging.
    for (const s of services.values()) expect((await fetch(`${s.url}${LOOKUP}`, { method: 'POST' })).status).toBe(503);
    // Waiting creates nothing in the database (the migration job owns the schema): no schema yet.
    const db = new pg.Client({ connectionString: env['DATABASE_URL'] });
    await db.connect();
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname LIKE $1`, [
      `%_together_${tag}`,
    ]);
    await db.end();
    expect(rows[0]!.n).toBe(0);

    // The migration jobs, all at once too.
    const jobs = await Promise.all(APPS.map((app) => runToExit(app, services.get(app)!.env, 120_000, ['migrate'])));
    for (const [i, job] of jobs.entries()) expect({ app: APPS[i], code: job.code }).toEqual({ app: APPS[i], code: 0 });

    // Now only the broker is missing, and each has tried it and failed (its log gives the connection error).
    await allOf(
      (r) => r.status === 503 && r.body?.error?.['database'] === undefined && r.body?.error?.['kafka']?.status === 'down',
      120_000,
    );
    await eventually(
      async () =>
        [...services.values()].every((s) => /waiting for kafka\).*(ECONNREFUSED|Connection error)/.test(s.process.output)) ? true : null,
      120_000,
    );
    expect(exited()).toEqual([]);

    const { startLocalKafka } = (await import(`${process.cwd()}/deploy/local/kafka/kafka-local.mjs`)) as {
      startLocalKafka: (o: object) => Promise<{ brokers: string[]; stop: () => Promise<void> }>;
    };
    broker = await startLocalKafka({ dataDir, port: kafkaPort, controllerPort, log: () => undefined });

    // All four ready without a restart (each retries with a backoff of at most 15 s).
    await allOf((r) => r.status === 200, 180_000);
    expect(exited()).toEqual([]);
    for (const s of services.values()) expect(s.process.output).toMatch(/等待 kafka \(waiting for kafka\)/);

    // And they work together: a lookup through dispatch reaches tech-capabilities over the broker.
    const dispatch = services.get('service-dispatch')!.url;
    const answer = await eventually(
      async () => {
        const a = await post(`${dispatch}${LOOKUP}`, { holderType: 'person', holderId: DEMO_CITIZENS[0]!.id });
        return a.status === 200 ? a : null;
      },
      60_000,
      500,
    );
    expect(answer.body.licences.length).toBeGreaterThan(0);
  }, 480_000);

  it('stops at once, naming it, on what no wait mends (a database that does not exist), and leaves at once on SIGTERM while waiting', async () => {
    const started = Date.now();
    const missing = await runToExit(
      'data-platform',
      { ...env, PORT: String(await freePort()), DATABASE_URL: env['DATABASE_URL']!.replace(/\/[^/?]+(\?|$)/, '/gmp_no_such_database$1') },
      60_000,
    );
    expect(missing.code).toBe(1);
    expect(missing.output).toMatch(/PostgreSQL 3D000/);
    expect(Date.now() - started).toBeLessThan(30_000);

    const port = await freePort();
    const waiting = new ServiceProcess('data-platform', { ...env, PORT: String(port), KAFKA_BROKERS: `127.0.0.1:${await freePort()}` });
    waiting.launch();
    await eventually(
      async () => ((await fetch(`http://127.0.0.1:${port}/health/live`).catch(() => null))?.status === 200 ? true : null),
      60_000,
    );
    const stopAt = Date.now();
    await waiting.kill('SIGTERM');
    expect(Date.now() - stopAt).toBeLessThan(5_000);
    expect(await waiting.exited()).toBe(0);
  }, 120_000);
});
