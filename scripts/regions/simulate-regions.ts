/**
 * Multi-region topology, simulated on one machine (issue 17, item 9; docs/regions.md):
 * `npm run regions:simulate`.
 *
 * Two Kafka clusters — the provincial node (省级节点) and one city node (市级节点, Nanjing) — and
 * MirrorMaker 2 between them, all assembled from Maven Central. The city node runs the platform's
 * tech-capabilities, data platform and business platform on its own cluster. A company applies for
 * 企业开办 (one bundle, six departments) at the city; five departments answer at the city (the
 * built-in simulated department), the housing fund centre's back office runs at the provincial node:
 * its part crosses to the province through MirrorMaker 2, is decided there, and the decision comes
 * back the same way — the case completes at the city. Prints each hop with its time; exits 0 when
 * the case completed, 1 otherwise.
 *
 * Needs Java 17+, Maven and PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres);
 * uses schemas of its own and drops them at the end.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { type CasePartDecidedEvent, type CasePartDispatchedEvent, Topic } from '@gmp/contracts';
import { businessPlatformService } from '@gmp/feature-business';
import { dataPlatformService } from '@gmp/feature-data';
import { techCapabilitiesService } from '@gmp/feature-tech';
import { generateCitizenId, generateCreditCode } from '@gmp/gov-standards';
import { type RunningService, type ServiceDefinition, startService } from '@gmp/service-kit';

const PROVINCIAL_DEPARTMENT = '南京住房公积金管理中心';
const BUNDLE = 'JS-YJS-QYKB';
const TIMEOUT_MS = 180_000;

interface Broker {
  brokers: string[];
  stop(): Promise<void>;
}

const t0 = performance.now();
const say = (line: string) => process.stdout.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);

async function main(): Promise<number> {
  const tag = randomBytes(3).toString('hex');
  const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const { startLocalKafka } = (await import(`${process.cwd()}/deploy/local/kafka/kafka-local.mjs`)) as {
    startLocalKafka: (o: object) => Promise<Broker>;
  };
  const { startMirrorMaker } = (await import(`${process.cwd()}/deploy/local/kafka/mirror-maker.mjs`)) as {
    startMirrorMaker: (o: object) => Promise<{ logFile: string; stop(): Promise<void> }>;
  };
  const quiet = () => undefined;
  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    say('starting two Kafka clusters: the provincial node and the Nanjing city node');
    const [province, city] = await Promise.all([
      startLocalKafka({ log: quiet, heapMb: 384 }),
      startLocalKafka({ log: quiet, heapMb: 384 }),
    ]);
    cleanup.push(
      () => province.stop(),
      () => city.stop(),
    );
    say(`province ${province.brokers.join(',')}, city ${city.brokers.join(',')}`);

    // The city node: the platform's services on the city cluster, each in a schema of its own.
    const schemas: string[] = [];
    const services: RunningService[] = [];
    // Cleanup runs in reverse: the services close, then their schemas go.
    cleanup.push(async () => {
      const db = new pg.Client({ connectionString: databaseUrl });
      await db.connect();
      for (const s of schemas) await db.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
      await db.end();
    });
    cleanup.push(async () => {
      for (const s of services.reverse()) await s.close();
    });
    const env = {
      NODE_ENV: 'development',
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: city.brokers.join(','),
      KAFKA_PARTITIONS: '3',
      SUBJECT_KEY_SECRET: `regions-simulation-${tag}-subject-key`,
      INTERNAL_API_TOKEN: `regions-simulation-${tag}-internal-token`,
      SEED_DEMO: 'true',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      OUTBOX_POLL_MS: '100',
      BUSINESS_HOME_REGION: '320100',
      BUSINESS_SIMULATED_DEPARTMENTS: 'true',
      BUSINESS_SIMULATED_DELAY_MS: '0',
      // Answered at the provincial node, not by the city's simulated department.
      BUSINESS_SIMULATED_EXCEPT: PROVINCIAL_DEPARTMENT,
    };
    for (const def of [techCapabilitiesService, dataPlatformService, businessPlatformService] as ServiceDefinition[]) {
      const schema = `${def.schema}_region_${tag}`;
      schemas.push(schema);
      services.push(await startService({ ...def, schema }, env));
    }
    const business = services[2]!;
    say(`city node serving: ${services.map((s) => s.definition.name).join(', ')}`);

    // MirrorMaker 2: dispatched parts city → province, decisions province → city (one direction each: no loops).
    const mm2 = await startMirrorMaker({
      clusters: { province: province.brokers.join(','), city: city.brokers.join(',') },
      flows: [
        { from: 'city', to: 'province', topics: Topic.BusinessPartDispatched.replace(/\./g, '\\.') },
        { from: 'province', to: 'city', topics: Topic.BusinessPartDecided.replace(/\./g, '\\.') },
      ],
      log: quiet,
    });
    cleanup.push(() => mm2.stop());
    say(`MirrorMaker 2 running (log ${mm2.logFile})`);

    // The provincial department's back office: reads its parts on the provincial cluster, decides, answers there.
    const provinceKafka = new Kafka({ clientId: 'province-housing-fund', brokers: province.brokers, logLevel: logLevel.NOTHING });
    const admin = provinceKafka.admin();
    await admin.connect();
    // The province's own topics for this flow (MirrorMaker copies into the dispatched one; the department writes the other).
    await admin.createTopics({
      topics: [Topic.BusinessPartDispatched, Topic.BusinessPartDecided].map((topic) => ({ topic, numPartitions: 3 })),
      waitForLeaders: true,
    });
    await admin.disconnect();
    const producer = provinceKafka.producer({ allowAutoTopicCreation: false });
    const consumer = provinceKafka.consumer({ groupId: 'province-housing-fund' });
    await Promise.all([producer.connect(), consumer.connect()]);
    cleanup.push(
      () => consumer.disconnect(),
      () => producer.disconnect(),
    );
    const seen: { at: number; part: CasePartDispatchedEvent }[] = [];
    await consumer.subscribe({ topics: [Topic.BusinessPartDispatched], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const part = JSON.parse(message.value!.toString()) as CasePartDispatchedEvent;
        if (part.department !== PROVINCIAL_DEPARTMENT) return;
        seen.push({ at: performance.now(), part });
        say(
          `province: ${PROVINCIAL_DEPARTMENT} received part ${part.matterCode} of case ${part.caseNo} (headers copied: ${Object.keys(message.headers ?? {}).join(', ') || 'none'})`,
        );
        const decided: CasePartDecidedEvent = {
          meta: {
            messageId: randomUUID(),
            correlationId: part.meta.correlationId,
            app: 'province-housing-fund',
            sentAt: new Date().toISOString(),
          },
          partId: part.partId,
          caseNo: part.caseNo,
          matterCode: part.matterCode,
          department: part.department,
          decision: 'approved',
          outputs: [{ code: 'FUND-ACCOUNT', reference: `GJJ-${randomBytes(4).toString('hex')}` }],
          decidedAt: new Date().toISOString(),
        };
        await producer.send({
          topic: Topic.BusinessPartDecided,
          acks: -1,
          messages: [{ key: part.caseNo, value: JSON.stringify(decided) }],
        });
        say(`province: decision sent on the provincial cluster`);
      },
    });

    // A company applies at the city's window.
    const company = {
      id: generateCreditCode({ regionCode: '320100', organisationBody: `MA${tag.slice(0, 5).toUpperCase()}0` }),
      name: '南京区域模拟科技有限公司',
    };
    const headers = {
      'content-type': 'application/json',
      'x-internal-token': env.INTERNAL_API_TOKEN,
      'x-caller': 'window@nanjing-government-service-centre',
    };
    const api = (path: string) => `${business.url}/internal/v1/business${path}`;
    const plan = (await (await fetch(api(`/bundles/${BUNDLE}`), { headers })).json()) as {
      plan: { form: { id: string; type: string; codeList?: string[] }[] };
    };
    const form = Object.fromEntries(
      plan.plan.form.map((f) => [
        f.id,
        (
          {
            string: '模拟值',
            number: 10,
            boolean: true,
            date: '2026-12-01',
            datetime: '2026-12-01T09:00:00+08:00',
            creditCode: company.id,
            phone: '13800138000',
            citizenId: generateCitizenId({ regionCode: '320102', birthDate: '1992-03-04', sequence: 17 }),
            code: f.codeList?.[0],
          } as Record<string, unknown>
        )[f.type],
      ]),
    );
    const applied = await fetch(api('/applications'), {
      method: 'POST',
      headers,
      body: JSON.stringify({
        bundleCode: BUNDLE,
        applicant: company,
        form,
        materials: { ARTICLES: { fileId: 'a' }, PREMISES: { fileId: 'p' } },
      }),
    });
    const accepted = (await applied.json()) as { caseNo?: string; detail?: string };
    if (applied.status !== 201 || !accepted.caseNo) throw new Error(`application refused (${applied.status}): ${JSON.stringify(accepted)}`);
    const acceptedAt = performance.now();
    say(`city: case ${accepted.caseNo} accepted (${BUNDLE}, 企业开办)`);

    const deadline = Date.now() + TIMEOUT_MS;
    let last = '';
    for (;;) {
      const view = (await (await fetch(api(`/cases/${accepted.caseNo}`), { headers })).json()) as {
        status: string;
        parts: { department: string; status: string; outputs: { reference: string }[] }[];
      };
      const fund = view.parts.find((p) => p.department === PROVINCIAL_DEPARTMENT);
      const line = `city: case ${view.status}; ${view.parts.filter((p) => p.status === 'approved').length}/${view.parts.length} parts approved; ${PROVINCIAL_DEPARTMENT}: ${fund?.status}`;
      if (line !== last) say((last = line));
      if (view.status === 'completed' && fund?.status === 'approved') {
        say(
          `done: the provincial decision reached the city case ${((performance.now() - acceptedAt) / 1000).toFixed(1)} s after acceptance (the part reached the province after ${seen[0] ? ((seen[0].at - acceptedAt) / 1000).toFixed(1) : '?'} s); output ${fund.outputs[0]?.reference}`,
        );
        return 0;
      }
      if (Date.now() > deadline) {
        const { readFileSync } = await import('node:fs');
        say(`not completed within ${TIMEOUT_MS / 1000} s; the end of MirrorMaker 2's log:`);
        process.stdout.write(readFileSync(mm2.logFile, 'utf8').split('\n').slice(-40).join('\n') + '\n');
        return 1;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    for (const step of cleanup.reverse()) await step().catch((err: Error) => say(`cleanup: ${err.message}`));
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`regions:simulate failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
