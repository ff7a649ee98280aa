import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { Topic, wireTopicOf } from '@gmp/contracts';
import { DEMO_CITIZENS } from '@gmp/feature-tech';
import { dataPlatformService } from '@gmp/feature-data';
import { techCapabilitiesService } from '@gmp/feature-tech';
import { type RunningService, startService } from '@gmp/service-kit';
import { eventually, inOwnSchema, integrationEnv, TEST_INTERNAL_API_TOKEN } from '@gmp/testing';
import { LOOKUP, post } from './dispatch-client.js';
import { freePort, ServiceProcess } from './service-process.js';

/**
 * Scale-out and failover (issue 17, item 7), on the real broker and database: several instances
 * of one service share its work, and losing one — SIGKILL, no goodbye — loses nothing.
 */
const env = integrationEnv();
const tag = randomBytes(3).toString('hex');

async function handledBy(url: string, topic: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers: { 'x-internal-token': TEST_INTERNAL_API_TOKEN } })).text();
  return [
    ...text.matchAll(
      new RegExp(`^gmp_kafka_handler_duration_seconds_count\\{[^}]*topic="${topic.replace(/\./g, '\\.')}"[^}]*\\} (\\d+)`, 'gm'),
    ),
  ].reduce((sum, m) => sum + Number(m[1]), 0);
}

/** The consumer lag an instance reports per partition of `topic` (gmp_kafka_consumer_lag_records). */
async function lagOf(url: string, topic: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`, { headers: { 'x-internal-token': TEST_INTERNAL_API_TOKEN } })).text();
  const series = text.matchAll(/^gmp_kafka_consumer_lag_records\{([^}]*)\} (\d+)/gm);
  return new Map(
    [...series].filter((m) => m[1]!.includes(`topic="${topic}"`)).map((m) => [/partition="(\d+)"/.exec(m[1]!)![1]!, Number(m[2])] as const),
  );
}

describe('two instances of a consumer service', () => {
  const schema = `data_scale_${tag}`;
  const instances: ServiceProcess[] = [];
  const urls: string[] = [];
  let db: pg.Client;

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      urls.push(`http://127.0.0.1:${port}`);
      instances.push(new ServiceProcess('data-platform', { ...env, PORT: String(port), DB_SCHEMA: schema, SEED_DEMO: 'false' }));
    }
    // The first migrates; the second finds the schema in place.
    for (const instance of instances) await instance.start(120_000);
    db = new pg.Client({ connectionString: env['DATABASE_URL'] });
    await db.connect();
  }, 300_000);

  afterAll(async () => {
    for (const instance of instances) await instance.kill('SIGTERM');
    await db?.end();
  });

  it('share the partitions, and when one is SIGKILLed mid-run the other takes its partitions: every event recorded exactly once', async () => {
    const topic = wireTopicOf(Topic.LicenceAccessed);
    const provider = `scale-${tag}`;
    const producer = new Kafka({
      clientId: `scale-${tag}`,
      brokers: env['KAFKA_BROKERS']!.split(','),
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
    const eventIds: string[] = [];
    const wave = async (n: number) => {
      const messages = Array.from({ length: n }, () => {
        const subjectKey = randomBytes(32).toString('hex');
        const messageId = randomUUID();
        eventIds.push(messageId);
        const event = {
          meta: { messageId, correlationId: messageId, app: 'scale-test', sentAt: new Date().toISOString() },
          subjectKey,
          holderType: 'person',
          licenceIds: [],
          accessedAt: new Date().toISOString(),
          provider,
        };
        return { key: subjectKey, value: JSON.stringify(event) };
      });
      for (let i = 0; i < messages.length; i += 500) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 500) });
    };
    const recorded = async () =>
      (
        await db.query<{ n: number; distinct: number }>(
          `SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct FROM "${schema}".data_access_record WHERE provider = $1`,
          [provider],
        )
      ).rows[0]!;

    try {
      // Wave 1: both instances handle some of it (each holds partitions of the topic).
      await wave(1500);
      await eventually(async () => ((await recorded()).n >= 1500 ? true : null), 60_000, 250);
      const before = await Promise.all(urls.map((u) => handledBy(u, topic)));
      expect(before.every((n) => n > 0)).toBe(true);

      // Wave 2: the first instance is killed while it works through its share.
      await wave(3000);
      await eventually(async () => ((await recorded()).n >= 1800 ? true : null), 60_000, 50);
      await instances[0]!.kill('SIGKILL');
      // The survivor is given the dead member's partitions once the group notices (session timeout, 30 s) and finishes them.
      const done = await eventually(
        async () => {
          const r = await recorded();
          return r.n >= eventIds.length ? r : null;
        },
        120_000,
        500,
      );
      await new Promise((r) => setTimeout(r, 2000));
      const final = await recorded();
      process.stderr.write(
        `[scale-out] handled before the kill: ${before.join(' + ')}; all ${final.n} of ${eventIds.length} recorded once\n`,
      );
      expect(final).toEqual({ n: eventIds.length, distinct: eventIds.length });
      expect(done.n).toBe(eventIds.length);
      expect(await handledBy(urls[1]!, topic)).toBeGreaterThan(before[1]!);
      // The survivor reports the partitions it took over (they had a backlog when it joined), none of them behind now.
      const lag = await eventually(async () => {
        const l = await lagOf(urls[1]!, topic);
        return l.size > 0 && [...l.values()].every((v) => v === 0) ? l : null;
      }, 30_000);
      expect(lag.size).toBeLessThanOrEqual(Number(env['KAFKA_PARTITIONS']));
    } finally {
      await producer.disconnect();
    }
  }, 240_000);
});

describe('two dispatch instances behind one address', () => {
  const dispatchSchema = `dispatch_scale_${tag}`;
  const instances: ServiceProcess[] = [];
  let tech: RunningService;
  let data: RunningService;
  let front: Server;
  let frontUrl: string;
  const served = [0, 0];

  beforeAll(async () => {
    tech = await startService(inOwnSchema(techCapabilitiesService), env);
    data = await startService(inOwnSchema(dataPlatformService), env);
    const ports: number[] = [];
    for (let i = 0; i < 2; i++) {
      ports.push(await freePort());
      // The app's rate limit (100/s by default, shared by the instances) is not what is tested here: 240 calls in a burst must all be answered.
      instances.push(
        new ServiceProcess('service-dispatch', {
          ...env,
          PORT: String(ports[i]),
          DB_SCHEMA: dispatchSchema,
          DISPATCH_RATE_PER_SECOND: '100000',
        }),
      );
    }
    for (const instance of instances) await instance.start(120_000);
    // One address in front of both, taking turns (what a load balancer or a Kubernetes Service does).
    let turn = 0;
    front = createServer((req, res) => {
      const i = turn++ % 2;
      served[i]!++;
      const upstream = request({ host: '127.0.0.1', port: ports[i], path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    });
    const frontPort = await freePort();
    await new Promise<void>((r) => front.listen(frontPort, '127.0.0.1', r));
    frontUrl = `http://127.0.0.1:${frontPort}`;
  }, 300_000);

  afterAll(async () => {
    await new Promise((r) => front?.close(r));
    for (const instance of instances) await instance.kill('SIGTERM');
    for (const s of [data, tech]) await s?.close();
  });

  it('answer request-reply calls through either instance: every reply reaches the instance that asked', async () => {
    const statuses: number[] = [];
    const worker = async () => {
      for (let i = 0; i < 40; i++) {
        const a = await post(`${frontUrl}${LOOKUP}`, { holderType: 'person', holderId: DEMO_CITIZENS[i % 3]!.id });
        statuses.push(a.status);
        if (a.status === 200) expect(a.body.licences.length).toBeGreaterThan(0);
      }
    };
    await eventually(
      async () =>
        (await post(`${frontUrl}${LOOKUP}`, { holderType: 'person', holderId: DEMO_CITIZENS[0]!.id })).status === 200 ? true : null,
      60_000,
    );
    await Promise.all(Array.from({ length: 6 }, worker));
    expect(statuses).toHaveLength(240);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(served[0]).toBeGreaterThan(100);
    expect(served[1]).toBeGreaterThan(100);
  }, 180_000);
});

describe('the Kafka broker killed (-9) and restarted mid-run', () => {
  let broker: { brokers: string[]; dataDir: string; pid: number; stop: () => Promise<void> };
  let startBroker: () => Promise<typeof broker>;
  const services: Record<'tech' | 'data' | 'dispatch', ServiceProcess> = {} as never;
  let dispatchUrl: string;
  let db: pg.Client;
  const dataSchema = `data_restart_${tag}`;

  beforeAll(async () => {
    const { startLocalKafka } = (await import(`${process.cwd()}/deploy/local/kafka/kafka-local.mjs`)) as {
      startLocalKafka: (o: object) => Promise<typeof broker>;
    };
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dataDir = mkdtempSync(join(tmpdir(), 'gmp-restart-kafka-'));
    const [port, controllerPort] = [await freePort(), await freePort()];
    startBroker = () => startLocalKafka({ dataDir, port, controllerPort, log: () => undefined });
    broker = await startBroker();
    const own = { ...env, KAFKA_BROKERS: broker.brokers.join(','), OUTBOX_LEASE_SECONDS: '3' };
    const ports = { tech: await freePort(), data: await freePort(), dispatch: await freePort() };
    services.tech = new ServiceProcess('tech-capabilities', { ...own, PORT: String(ports.tech), DB_SCHEMA: `tech_restart_${tag}` });
    services.data = new ServiceProcess('data-platform', { ...own, PORT: String(ports.data), DB_SCHEMA: dataSchema });
    services.dispatch = new ServiceProcess('service-dispatch', {
      ...own,
      PORT: String(ports.dispatch),
      DB_SCHEMA: `dispatch_restart_${tag}`,
    });
    for (const s of Object.values(services)) await s.start(120_000);
    dispatchUrl = `http://127.0.0.1:${ports.dispatch}`;
    db = new pg.Client({ connectionString: env['DATABASE_URL'] });
    await db.connect();
  }, 400_000);

  afterAll(async () => {
    for (const s of Object.values(services)) await s?.kill('SIGTERM');
    await broker?.stop();
    const { rmSync } = await import('node:fs');
    if (broker) rmSync(broker.dataDir, { recursive: true, force: true });
    await db?.end();
  });

  it('recovers without anyone acting: calls fail cleanly during the outage, answer again after, and every call answered 200 is in the audit', async () => {
    const purpose = `restart-${tag}`;
    const answered: { status: number; correlationId: string | null }[] = [];
    let running = true;
    const worker = async () => {
      while (running) {
        const correlationId = `restart-${randomUUID()}`;
        const a = await post(
          `${dispatchUrl}${LOOKUP}`,
          { holderType: 'person', holderId: DEMO_CITIZENS[0]!.id },
          { 'x-purpose': purpose, 'x-correlation-id': correlationId },
        );
        answered.push({ status: a.status, correlationId: a.status === 200 ? correlationId : null });
        if (a.status !== 200) await new Promise((r) => setTimeout(r, 200));
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    await eventually(async () => (answered.filter((a) => a.status === 200).length >= 50 ? true : null), 60_000, 50);
    process.kill(broker.pid, 'SIGKILL');
    const killedAt = answered.length;
    await new Promise((r) => setTimeout(r, 8000));
    broker = await startBroker();
    // Back without a restart of any service: a run of answers after the broker returned.
    await eventually(
      async () => {
        const since = answered.slice(killedAt);
        return since.slice(-20).length === 20 && since.slice(-20).every((a) => a.status === 200) ? true : null;
      },
      180_000,
      500,
    );
    running = false;
    await Promise.all(workers);
    const count = (list: typeof answered) =>
      JSON.stringify(
        Object.fromEntries([...new Set(list.map((a) => a.status))].map((s) => [s, list.filter((a) => a.status === s).length])),
      );
    process.stderr.write(
      `[broker-restart] before the kill ${count(answered.slice(0, killedAt))}; from the kill on ${count(answered.slice(killedAt))}\n`,
    );

    for (const s of Object.values(services)) expect(s.exitCode).toBeNull();
    const statuses = new Set(answered.map((a) => a.status));
    expect([...statuses].filter((s) => s !== 200 && s !== 503 && s !== 504)).toEqual([]);
    expect(answered.slice(killedAt).some((a) => a.status !== 200)).toBe(true);
    // Nothing answered 200 is lost: its read reached the data platform's audit through the outbox.
    const ok = answered.filter((a) => a.correlationId).map((a) => a.correlationId!);
    let seen = new Set<string>();
    const audited = await eventually(
      async () => {
        const { rows } = await db.query<{ correlation_id: string }>(
          `SELECT correlation_id FROM "${dataSchema}".data_access_record WHERE correlation_id = ANY($1::text[])`,
          [ok],
        );
        seen = new Set(rows.map((r) => r.correlation_id));
        return ok.every((c) => seen.has(c)) ? seen : null;
      },
      120_000,
      1000,
    ).catch(async (err: unknown) => {
      // What an operator would look at: the relay's backlog on the producing side and what each service logged.
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "tech_restart_${tag}".outbox`);
      const tail = (s: ServiceProcess) =>
        s.output
          .split('\n')
          .filter((l) => /error|warn|崩溃|失败/i.test(l))
          .slice(-15)
          .join('\n');
      process.stderr.write(
        `[broker-restart] audited ${seen.size} of ${ok.length}; tech outbox holds ${rows[0]?.n}\n` +
          Object.entries(services)
            .map(([name, s]) => `--- ${name}\n${tail(s)}`)
            .join('\n') +
          '\n',
      );
      throw err;
    });
    expect(audited.size).toBe(ok.length);
  }, 420_000);
});
