import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { dataPlatformService } from '@gmp/feature-data';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { DEMO_CITIZENS } from '@gmp/feature-tech';
import { type RunningService, startService } from '@gmp/service-kit';
import { eventually, inOwnSchema, integrationEnv } from '@gmp/testing';
import { LOOKUP, post } from './dispatch-client.js';
import { freePort, ServiceProcess } from './service-process.js';

/**
 * tech-capabilities runs as its own process and is SIGKILLed in the middle of a stream of
 * lookups: callers get 504 (never a 500 or a hang), a restart serves the next call, and
 * every access committed before the kill reaches the data platform's audit (outbox).
 */
describe('killing the provider mid-lookup', () => {
  const env = integrationEnv();
  const tag = randomBytes(3).toString('hex');
  const techSchema = `tech_kill_${tag}`;
  const dataDef = inOwnSchema(dataPlatformService, `kill_${tag}`);
  const purpose = `kill-test-${tag}`;
  let data: RunningService;
  let dispatch: RunningService;
  let tech: ServiceProcess;
  let db: pg.Client;

  beforeAll(async () => {
    const port = await freePort();
    tech = new ServiceProcess('tech-capabilities', { ...env, PORT: String(port), DB_SCHEMA: techSchema, OUTBOX_LEASE_SECONDS: '3' });
    await tech.start();
    data = await startService(dataDef, env);
    dispatch = await startService(inOwnSchema(serviceDispatchService), env);
    db = new pg.Client({ connectionString: env['DATABASE_URL'] });
    await db.connect();
  }, 120_000);

  afterAll(async () => {
    await tech?.kill('SIGTERM'); // graceful: leaves its consumer group, so the next test file does not wait for a rebalance
    for (const s of [dispatch, data]) await s?.close();
    await db?.end();
  });

  it('gives 504s during the outage, recovers after restart, and loses no audit event', async () => {
    const statuses: number[] = [];
    let running = true;
    const worker = async () => {
      while (running) {
        const answer = await post(
          `${dispatch.url}${LOOKUP}`,
          { holderType: 'person', holderId: DEMO_CITIZENS[0]!.id },
          { 'x-purpose': purpose },
        );
        statuses.push(answer.status);
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    await eventually(async () => statuses.filter((s) => s === 200).length >= 50, 30_000, 20);
    await tech.kill('SIGKILL');
    const killedAt = statuses.length;
    await new Promise((r) => setTimeout(r, 4000));
    running = false;
    await Promise.all(workers);

    expect(new Set(statuses)).toEqual(new Set([200, 504]));
    expect(statuses.slice(killedAt).filter((s) => s === 504).length).toBeGreaterThanOrEqual(1);

    await tech.start();
    const after = await eventually(
      async () => {
        const a = await post(
          `${dispatch.url}${LOOKUP}`,
          { holderType: 'person', holderId: DEMO_CITIZENS[0]!.id },
          { 'x-purpose': purpose },
        );
        return a.status === 200 ? a : null;
      },
      60_000,
      500,
    );
    expect(after!.body.licences).toHaveLength(3);

    // Every access tech-capabilities committed (before or after the kill) reaches the audit.
    const count = async (sql: string) => Number((await db.query(sql, [purpose])).rows[0].n);
    const committed = await count(`SELECT count(*) AS n FROM "${techSchema}".licence_access_log WHERE purpose = $1`);
    const ok = statuses.filter((s) => s === 200).length + 1;
    expect(committed).toBeGreaterThanOrEqual(ok);
    await eventually(
      async () => (await count(`SELECT count(*) AS n FROM "${dataDef.schema}".data_access_record WHERE purpose = $1`)) === committed,
      30_000,
      200,
    );
    // Rows the killed relay had claimed are published again once their lease ends; dedupe keeps the audit exact.
    await eventually(async () => Number((await db.query(`SELECT count(*) AS n FROM "${techSchema}".outbox`)).rows[0].n) === 0, 30_000, 200);
    expect(await count(`SELECT count(*) AS n FROM "${dataDef.schema}".data_access_record WHERE purpose = $1`)).toBe(committed);
  }, 180_000);
});
