import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import {
  type LicenceAccessedEvent,
  deadLetterTopicOf,
  PlatformHeader,
  replyTopicOf,
  subjectKeyOf,
  Topic,
  wireTopicOf,
} from '@gmp/contracts';
import { DataAccessRecord, dataPlatformService } from '@gmp/feature-data';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { DEMO_CITIZENS, DEMO_COMPANIES, techCapabilitiesService } from '@gmp/feature-tech';
import { citizenIdCheckChar } from '@gmp/gov-standards';
import { CAPABILITY_TRANSPORT } from '@gmp/messaging';
import { type RunningService, startService } from '@gmp/service-kit';
import { eventually, inOwnSchema, integrationEnv, TEST_INTERNAL_API_TOKEN, TEST_SUBJECT_KEY_SECRET } from '@gmp/testing';
import { LOOKUP, post } from './dispatch-client.js';

/**
 * The slice through real Kafka and PostgreSQL: a business line looks up a citizen's
 * e-licences through service-dispatch → Kafka → tech-capabilities → reply; the access is
 * audited through the outbox → Kafka → data-platform.
 */
describe('e-licence lookup through dispatch (Kafka + PostgreSQL)', () => {
  const env = integrationEnv();
  const techDef = inOwnSchema(techCapabilitiesService);
  let tech: RunningService;
  let data: RunningService;
  let dispatch: RunningService;
  let kafka: Kafka;
  const zhang = DEMO_CITIZENS[0]!;

  beforeAll(async () => {
    process.stderr.write(
      `[dispatch-slice] Kafka ${env['KAFKA_BROKERS']}, PostgreSQL ${env['DATABASE_URL']!.replace(/:[^:@/]+@/, ':***@')}\n`,
    );
    tech = await startService(techDef, env);
    data = await startService(inOwnSchema(dataPlatformService), env);
    dispatch = await startService(inOwnSchema(serviceDispatchService), env);
    kafka = new Kafka({ clientId: 'e2e-test', brokers: env['KAFKA_BROKERS']!.split(','), logLevel: logLevel.NOTHING });
  }, 120_000);

  afterAll(async () => {
    for (const s of [dispatch, data, tech]) await s?.close();
  });

  const records = () => data.app.get(DataSource).getRepository(DataAccessRecord);

  it('answers with the licences and audits the access with who and why', async () => {
    const correlationId = `e2e-${randomUUID()}`;
    const answer = await post(
      `${dispatch.url}${LOOKUP}`,
      { holderType: 'person', holderId: zhang.id },
      {
        'x-correlation-id': correlationId,
        'x-purpose': encodeURIComponent('新生儿出生一件事'),
        'x-case-id': 'CASE-2026-0001',
        'x-end-user': 'user-42',
      },
    );
    expect(answer.status).toBe(200);
    expect(answer.body.licences).toHaveLength(3);
    expect(answer.body.licences.map((l: { typeName: string }) => l.typeName).sort()).toEqual(['出生医学证明', '机动车驾驶证', '结婚证']);
    for (const l of answer.body.licences) expect(l.licenceId).toMatch(/^1\.2\.156\.3005\.2\./);

    const record = await eventually(() => records().findOne({ where: { correlationId } }));
    expect(record).toMatchObject({
      subjectKey: subjectKeyOf(zhang.id, TEST_SUBJECT_KEY_SECRET),
      app: 'demo-portal',
      endUser: 'user-42',
      purpose: '新生儿出生一件事',
      caseId: 'CASE-2026-0001',
      itemCount: 3,
      provider: 'tech-capabilities',
    });
  });

  it('finds a company by its credit code and nobody else’s licences', async () => {
    const company = await post(`${dispatch.url}${LOOKUP}`, { holderType: 'company', holderId: DEMO_COMPANIES[0]!.id });
    expect(company.status).toBe(200);
    expect(company.body.licences.map((l: { typeName: string }) => l.typeName).sort()).toEqual(['营业执照', '食品经营许可证']);
    const badCode = await post(`${dispatch.url}${LOOKUP}`, { holderType: 'company', holderId: withWrongCheck(DEMO_COMPANIES[0]!.id) });
    expect(badCode.status).toBe(400);
    expect(badCode.body.errors[0].message).toContain('统一社会信用代码');
    const unknownPerson = await post(`${dispatch.url}${LOOKUP}`, {
      holderType: 'person',
      holderId: `32010219900307${'999'}${citizenIdCheckChar('32010219900307999')}`,
    });
    expect(unknownPerson.status).toBe(200);
    expect(unknownPerson.body.licences).toEqual([]);
  });

  it('refuses an ID number with a wrong check character, naming the field', async () => {
    const answer = await post(`${dispatch.url}${LOOKUP}`, { holderType: 'person', holderId: '110105194912310021' });
    expect(answer.status).toBe(400);
    expect(answer.contentType).toMatch(/^application\/problem\+json/);
    expect(answer.body.code).toBe('INVALID_INPUT');
    expect(answer.body.errors).toEqual([expect.objectContaining({ field: 'holderId', message: expect.stringContaining('校验码') })]);
  });

  it('refuses an ID number whose birth date does not exist, naming the field', async () => {
    const first17 = '11010519490230001';
    const answer = await post(`${dispatch.url}${LOOKUP}`, { holderType: 'person', holderId: first17 + citizenIdCheckChar(first17) });
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].field).toBe('holderId');
    expect(answer.body.errors[0].message).toContain('日期');
  });

  it('refuses unknown fields, a missing holder type, a non-object body, malformed JSON and an oversized body', async () => {
    const url = `${dispatch.url}${LOOKUP}`;
    const extra = await post(url, { holderType: 'person', holderId: zhang.id, sql: 'drop table' });
    expect(extra.status).toBe(400);
    expect(extra.body.errors[0].field).toBe('sql');
    const noType = await post(url, { holderId: zhang.id });
    expect(noType.status).toBe(400);
    expect(noType.body.errors.map((e: { field: string }) => e.field)).toContain('holderType');
    expect((await post(url, [1, 2])).status).toBe(400);
    const malformed = await post(url, '{"holderType":');
    expect(malformed.status).toBe(400);
    expect(malformed.contentType).toMatch(/^application\/problem\+json/);
    const huge = await post(url, JSON.stringify({ holderType: 'person', holderId: 'x'.repeat(2 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
  });

  it('answers 404 for an unknown capability and 401 for missing or wrong credentials', async () => {
    const unknown = await post(`${dispatch.url}/v1/capabilities/no-such-capability/invoke`, {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('CAPABILITY_NOT_FOUND');
    const missing = await post(`${dispatch.url}${LOOKUP}`, { holderType: 'person', holderId: zhang.id }, { authorization: '' });
    expect(missing.status).toBe(401);
    const wrong = await post(
      `${dispatch.url}${LOOKUP}`,
      { holderType: 'person', holderId: zhang.id },
      {
        authorization: `Basic ${Buffer.from('demo-portal:not-the-secret').toString('base64')}`,
      },
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('UNAUTHENTICATED');
    const garbage = await post(`${dispatch.url}${LOOKUP}`, {}, { authorization: 'Basic %%%' });
    expect(garbage.status).toBe(401);
  });

  it('refuses who-and-why headers that are too long before anything is sent', async () => {
    const answer = await post(`${dispatch.url}${LOOKUP}`, { holderType: 'person', holderId: zhang.id }, { 'x-purpose': 'p'.repeat(300) });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('INVALID_HEADER');
    expect(answer.body.errors[0].field).toBe('X-Purpose');
  });

  it('answers 502 without internals when the provider fails, and recovers', async () => {
    const tech = `"${techDef.schema}"`;
    const ds = data.app.get(DataSource);
    await ds.query(`ALTER TABLE ${tech}.licence RENAME TO licence_moved`);
    try {
      const answer = await post(`${dispatch.url}${LOOKUP}`, { holderType: 'person', holderId: zhang.id });
      expect(answer.status).toBe(502);
      expect(answer.body.code).toBe('PROVIDER_ERROR');
      // The provider answered with its typed error, not with the database error itself.
      expect(answer.body.detail).toBe('e-licence.query-by-holder: 能力提供方内部错误 (provider internal error)');
      expect(JSON.stringify(answer.body)).not.toMatch(/licence_moved|SELECT |does not exist|QueryFailed|"stack"/i);
    } finally {
      await ds.query(`ALTER TABLE ${tech}.licence_moved RENAME TO licence`);
    }
    expect((await post(`${dispatch.url}${LOOKUP}`, { holderType: 'person', holderId: zhang.id })).status).toBe(200);
  });

  it('guards the internal HTTP lookup with the internal token', async () => {
    const url = `${tech.url}/internal/v1/licences/query-by-holder`;
    const body = { holderType: 'person', holderId: zhang.id };
    expect((await post(url, body, { 'x-caller': 'e2e' })).status).toBe(401);
    expect((await post(url, body, { 'x-caller': 'e2e', 'x-internal-token': 'wrong-token-wrong-token' })).status).toBe(401);
    // Past the token, the lookup applies the holder's rules: an internal caller has no legal basis
    // (bases are granted per app in dispatch), so a typed X-Legal-Basis opens nothing here.
    const typed = await post(url, body, {
      'x-caller': 'e2e',
      'x-internal-token': TEST_INTERNAL_API_TOKEN,
      'x-legal-basis': 'demo.gov-data-sharing',
    });
    expect(typed.status).toBe(403);
    expect(typed.body.code).toBe('LICENCE_USE_NOT_AUTHORISED');
    expect(typed.body.licences).toBeUndefined();
    const noCaller = await post(url, body, { 'x-internal-token': TEST_INTERNAL_API_TOKEN });
    expect(noCaller.status).toBe(400);
    expect(noCaller.body.code).toBe('CALLER_REQUIRED');
  });

  /**
   * Sends malformed records of request type `type` (to its provider's request topic, the type in
   * x-message-type) and returns what reached the consumer group's dead-letter topic.
   */
  const deadLettered = async (
    group: string,
    type: Topic,
    extra: object,
    headers: Record<string, string> = { [PlatformHeader.MessageType]: type },
    expected = [/不是合法 JSON/, /meta\.messageId/],
  ) => {
    const topic = wireTopicOf(type);
    const marker = randomUUID();
    const seen: { value: string; error: string; source: string }[] = [];
    const consumer = kafka.consumer({ groupId: `e2e-dlq-${marker}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: deadLetterTopicOf(group), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const value = message.value?.toString() ?? '';
        if (value.includes(marker)) {
          seen.push({
            value,
            error: message.headers?.[PlatformHeader.DeadLetterError]?.toString() ?? '',
            source: message.headers?.[PlatformHeader.DeadLetterSourceTopic]?.toString() ?? '',
          });
        }
      },
    });
    const producer = kafka.producer();
    await producer.connect();
    const request = {
      kafka_correlationId: randomUUID(),
      kafka_replyTopic: replyTopicOf('service-dispatch'),
      kafka_replyPartition: '0',
      ...headers,
    };
    await producer.send({
      topic,
      messages: [
        { value: `not json at all ${marker}`, headers: request },
        { value: JSON.stringify({ marker, meta: { app: 'x' }, ...extra }), headers: request },
      ],
    });
    await producer.disconnect();
    await eventually(async () => seen.length >= 2, 30_000);
    await consumer.disconnect();
    expect(seen.every((s) => s.source === topic)).toBe(true);
    for (const why of expected) expect(seen.map((s) => s.error).join('\n')).toMatch(why);
    return seen;
  };

  it("refuses records on a request topic whose type is missing, unknown, an event or another service's, and keeps serving", async () => {
    const valid = {
      meta: { messageId: randomUUID(), correlationId: 'c', app: 'x', sentAt: new Date().toISOString() },
      input: { holderType: 'person', holderId: zhang.id },
    };
    const cases: [Record<string, string>, RegExp][] = [
      [{}, /no x-message-type|未知消息类型/],
      [{ [PlatformHeader.MessageType]: 'tech.licence.no-such-thing.v1' }, /未知消息类型/],
      [{ [PlatformHeader.MessageType]: '__proto__' }, /未知消息类型/],
      [{ [PlatformHeader.MessageType]: Topic.LicenceAccessed }, /不是本服务的请求/],
      [{ [PlatformHeader.MessageType]: Topic.DataPopulationVerify }, /不是本服务的请求/],
      [
        { [PlatformHeader.MessageType]: Topic.LicenceQueryByHolder, kafka_replyTopic: deadLetterTopicOf('service-dispatch') },
        /应答主题无效/,
      ],
      [
        { [PlatformHeader.MessageType]: Topic.LicenceQueryByHolder, kafka_replyTopic: 'tech.licence.query-by-holder.v1.reply' },
        /应答主题无效/,
      ],
      [{ [PlatformHeader.MessageType]: Topic.LicenceQueryByHolder, kafka_replyTopic: 'rpc.nobody.replies.v1' }, /应答主题无效/],
      [{ [PlatformHeader.MessageType]: Topic.LicenceQueryByHolder, kafka_replyPartition: '-1' }, /应答主题无效/],
      [{ [PlatformHeader.MessageType]: Topic.LicenceQueryByHolder, kafka_replyPartition: '0 OR 1' }, /应答主题无效/],
    ];
    for (const [headers, why] of cases) {
      const marker = randomUUID();
      await deadLettered(
        'tech-capabilities',
        Topic.LicenceQueryByHolder,
        { input: valid.input, meta: { ...valid.meta, correlationId: marker } },
        headers,
        [why],
      );
    }
    const after = await post(`${dispatch.url}${LOOKUP}`, { holderType: 'person', holderId: zhang.id });
    expect(after.status).toBe(200);
  });

  it('dead-letters malformed messages on the capability topic and keeps consuming', async () => {
    await deadLettered('tech-capabilities', Topic.LicenceQueryByHolder, { input: { holderType: 'person', holderId: '123' } });
    const after = await post(`${dispatch.url}${LOOKUP}`, { holderType: 'person', holderId: zhang.id });
    expect(after.status).toBe(200);
  });

  it('dead-letters malformed notification requests on tech-capabilities', async () => {
    await deadLettered('tech-capabilities', Topic.NotificationSend, {
      input: { channel: 'sms', to: '13800138000', template: 'case-completed', params: {} },
    });
  });

  it('dead-letters malformed population checks on the data platform, ID numbers masked', async () => {
    const seen = await deadLettered('data-platform', Topic.DataPopulationVerify, { input: { name: '张三', idNumber: zhang.id } });
    expect(seen.map((s) => s.value).join('\n')).not.toContain(zhang.id);
  });

  it('skips a request older than its timeout (its caller gave up) and refuses an envelope header sent twice', async () => {
    const topic = wireTopicOf(Topic.LicenceQueryByHolder);
    const request = (correlationId: string) =>
      JSON.stringify({
        meta: { messageId: randomUUID(), correlationId, app: 'e2e', legalBasis: 'demo.gov-data-sharing', sentAt: new Date().toISOString() },
        input: { holderType: 'person', holderId: zhang.id },
      });
    const headers = {
      kafka_correlationId: randomUUID(),
      kafka_replyTopic: replyTopicOf('service-dispatch'),
      kafka_replyPartition: '0',
      [PlatformHeader.MessageType]: Topic.LicenceQueryByHolder,
    };
    const [stale, twice, fresh] = [`stale-${randomUUID()}`, `twice-${randomUUID()}`, `fresh-${randomUUID()}`];
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { value: request(stale), headers, timestamp: String(Date.now() - 60_000) },
        {
          value: request(twice),
          headers: { ...headers, kafka_replyTopic: [replyTopicOf('service-dispatch'), deadLetterTopicOf('service-dispatch')] },
        },
        { value: request(fresh), headers },
      ],
    });
    await producer.disconnect();
    const logged = async (correlationId: string) =>
      (
        await data.app
          .get(DataSource)
          .query(`SELECT count(*)::int AS n FROM "${techDef.schema}".licence_access_log WHERE correlation_id = $1`, [correlationId])
      )[0].n as number;
    await eventually(async () => (await logged(fresh)) === 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(await logged(stale)).toBe(0);
    expect(await logged(twice)).toBe(0);
  });

  it('audits a request handled twice (a replay) once, and never replies where a record says', async () => {
    const correlationId = `replay-${randomUUID()}`;
    const request = {
      meta: { messageId: randomUUID(), correlationId, app: 'e2e', legalBasis: 'demo.gov-data-sharing', sentAt: new Date().toISOString() },
      input: { holderType: 'person', holderId: zhang.id },
    };
    const producer = kafka.producer();
    await producer.connect();
    const record = (replyTopic: string) => ({
      value: JSON.stringify(request),
      headers: {
        kafka_correlationId: randomUUID(),
        kafka_replyTopic: replyTopic,
        kafka_replyPartition: '0',
        [PlatformHeader.MessageType]: Topic.LicenceQueryByHolder,
      },
    });
    const topic = wireTopicOf(Topic.LicenceQueryByHolder);
    await producer.send({ topic, messages: [record(replyTopicOf('service-dispatch')), record(replyTopicOf('service-dispatch'))] });
    await producer.send({ topic, messages: [record('dlq.service-dispatch.v1')] });
    await producer.disconnect();
    const recorded = await eventually(() => records().findOne({ where: { correlationId } }));
    expect(recorded).toBeTruthy();
    await new Promise((r) => setTimeout(r, 500));
    expect(await records().count({ where: { correlationId } })).toBe(1);
    const techLog = await data.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM "${techDef.schema}".licence_access_log WHERE correlation_id = $1`, [correlationId]);
    expect(techLog[0].n).toBe(1);
  });

  it('records a redelivered event once (idempotent consumption)', async () => {
    const eventId = randomUUID();
    const sentinelId = randomUUID();
    const subjectKey = subjectKeyOf(zhang.id, TEST_SUBJECT_KEY_SECRET);
    const event = (id: string): LicenceAccessedEvent => ({
      meta: { messageId: id, correlationId: `dup-${id}`, app: 'e2e', sentAt: new Date().toISOString() },
      subjectKey,
      holderType: 'person',
      licenceIds: [],
      accessedAt: new Date().toISOString(),
      provider: 'tech-capabilities',
    });
    const producer = kafka.producer();
    await producer.connect();
    const message = (id: string) => ({ key: subjectKey, value: JSON.stringify(event(id)) });
    await producer.send({ topic: Topic.LicenceAccessed, messages: [message(eventId), message(eventId), message(sentinelId)] });
    await producer.disconnect();
    await eventually(() => records().findOne({ where: { eventId: sentinelId } }));
    expect(await records().count({ where: { eventId } })).toBe(1);
  });

  it('answers 504 within the timeout when the provider is down, leaks nothing, and recovers after a restart', async () => {
    await tech.close();
    const answer = await post(`${dispatch.url}${LOOKUP}`, { holderType: 'person', holderId: zhang.id });
    expect(answer.status).toBe(504);
    expect(answer.body.code).toBe('PROVIDER_TIMEOUT');
    expect(answer.ms).toBeGreaterThanOrEqual(2900);
    expect(answer.ms).toBeLessThan(5000);
    const transport = dispatch.app.get(CAPABILITY_TRANSPORT) as unknown as { routingMap: Map<string, unknown> };
    expect(transport.routingMap.size).toBe(0);

    tech = await startService(techDef, env);
    const recovered = await eventually(
      async () => {
        const a = await post(`${dispatch.url}${LOOKUP}`, { holderType: 'person', holderId: zhang.id });
        return a.status === 200 ? a : null;
      },
      60_000,
      500,
    );
    expect(recovered!.body.licences).toHaveLength(3);
  }, 90_000);
});

function withWrongCheck(code: string): string {
  return code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
}
