import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { deadLetterTopicOf, PlatformHeader, Topic, wireTopicOf } from '@gmp/contracts';
import { dataPlatformService } from '@gmp/feature-data';
import { generateCitizenId, generateCreditCode } from '@gmp/gov-standards';
import { type RunningService, startService } from '@gmp/service-kit';
import { eventually, inOwnSchema, integrationEnv } from '@gmp/testing';
import { getJson, INTERNAL, post, putJson } from './dispatch-client.js';

/**
 * The data platform's catalogue and ingestion (数据资源目录, 数据归集) over real Kafka and
 * PostgreSQL: records published by departments are checked against the catalogue, stored with
 * history or quarantined with every reason, corrected and accepted; a backfill over HTTP; the
 * quality report; and every malformed input refused with a 4xx or dead-lettered. Runs on a pool
 * of one connection, so a lookup made beside an open transaction (which standalone's single
 * connection cannot serve) fails here.
 */
describe('data platform: catalogue and ingestion', () => {
  let data: RunningService;
  let kafka: Kafka;
  let producer: Producer;
  const OPS = { ...INTERNAL, 'x-caller': 'ops@data' };
  const FEED = { ...INTERNAL, 'x-caller': 'feed@department' };
  const url = (path: string) => `${data.url}/internal/v1/data${path}`;
  const sql = (q: string, p: unknown[] = []) => data.app.get(DataSource).query(q.replaceAll('$schema', `"${data.definition.schema}"`), p);
  const POP = 'JS-GA-RK-0001';
  const person = (seq: number, patch: Record<string, unknown> = {}) => ({
    sfzh: generateCitizenId({ regionCode: '320102', birthDate: '1990-05-17', sequence: seq }),
    xm: `测试${seq}`,
    xb: seq % 2 ? '1' : '2',
    csrq: '1990-05-17',
    hjzt: 'normal',
    ...patch,
  });
  const publish = async (events: object[]) =>
    producer.send({
      topic: wireTopicOf(Topic.DataRecordPublished),
      messages: events.map((e) => ({ key: String((e as { record?: { sfzh?: string } }).record?.sfzh ?? 'x'), value: JSON.stringify(e) })),
    });
  const event = (record: object, patch: object = {}) => ({
    eventId: randomUUID(),
    resourceCode: POP,
    department: '省公安厅',
    updatedAt: new Date(Date.now() - 60_000).toISOString(),
    record,
    ...patch,
  });
  const quarantined = (marker: string) =>
    sql(`SELECT * FROM $schema.data_quarantine WHERE record::text LIKE $1 ORDER BY received_at`, [`%${marker}%`]) as Promise<
      { id: string; reasons: { rule: string; item: string | null }[]; status: string; attempts: number }[]
    >;
  const stored = (idNumber: string) =>
    sql(
      `SELECT r.*, (SELECT count(*)::int FROM $schema.data_record_history h WHERE h.resource_code = r.resource_code AND h.record_key = r.record_key) AS versions
         FROM $schema.data_record r WHERE r.key_masked = $1`,
      [`${idNumber.slice(0, 6)}********${idNumber.slice(-4)}`],
    ) as Promise<{ values: Record<string, unknown>; version: number; versions: number; record_key: string; origin: string }[]>;

  beforeAll(async () => {
    // One database connection, as standalone has: a query outside the transaction that holds it would wait forever and fail here.
    data = await startService(inOwnSchema(dataPlatformService), integrationEnv({ DB_POOL_SIZE: '1' }));
    kafka = new Kafka({ clientId: 'e2e-data', brokers: process.env['KAFKA_BROKERS']!.split(','), logLevel: logLevel.NOTHING });
    producer = kafka.producer();
    await producer.connect();
  }, 120_000);

  afterAll(async () => {
    await producer?.disconnect();
    await data?.close();
  });

  describe('catalogue', () => {
    const definition = {
      name: '测试资源',
      classification: 'department',
      providerDepartment: '测试局',
      abstract: '用于测试的资源',
      format: 'table',
      updateCycle: 'monthly',
      sharingType: 'unconditional',
      openAttribute: 'not_open',
      subjectType: 'company',
      keyItem: 'dm',
      items: [
        { code: 'dm', name: '代码', type: 'string', grade: 'core', personal: 'none', required: true },
        { code: 'sl', name: '数量', type: 'integer', grade: 'general', personal: 'none' },
      ],
      rules: [{ type: 'range', item: 'sl', min: 0 }],
    };

    it('lists, searches and filters the demo resources', async () => {
      const all = await getJson(url('/resources'), INTERNAL);
      expect(all.status).toBe(200);
      expect((all.body as { resources: { code: string }[] }).resources.map((r) => r.code)).toEqual(
        expect.arrayContaining(['JS-GA-RK-0001', 'JS-SJ-FR-0001', 'JS-WJ-CS-0001']),
      );
      const search = await getJson(url(`/resources?q=${encodeURIComponent('出生医学')}`), INTERNAL);
      expect((search.body as { resources: { code: string }[] }).resources.map((r) => r.code)).toEqual(['JS-WJ-CS-0001']);
      const population = await getJson(url('/resources?library=population'), INTERNAL);
      expect((population.body as { resources: { code: string }[] }).resources.map((r) => r.code)).toEqual([POP]);
      const one = await getJson(url(`/resources/${POP}`), INTERNAL);
      expect(one.body).toMatchObject({ code: POP, version: 1, sharingType: 'conditional', recordSchema: { additionalProperties: false } });
    });

    it('versions a resource: the same definition again changes nothing, a change is a new version', async () => {
      const first = await putJson(url('/resources/TEST-RES-1'), { ...definition, changeNote: '首次编目' }, OPS);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ code: 'TEST-RES-1', version: 1, changed: true, updatedBy: 'ops@data' });
      expect((await putJson(url('/resources/TEST-RES-1'), definition, OPS)).body).toMatchObject({ version: 1, changed: false });
      const second = await putJson(url('/resources/TEST-RES-1'), { ...definition, updateCycle: 'weekly', changeNote: '改为每周' }, OPS);
      expect(second.body).toMatchObject({ version: 2, changed: true, updateCycle: 'weekly' });
      const versions = await getJson(url('/resources/TEST-RES-1/versions'), INTERNAL);
      expect(versions.body).toMatchObject({
        versions: [
          { version: 2, changeNote: '改为每周' },
          { version: 1, changeNote: '首次编目' },
        ],
      });
    });

    it.each([
      [
        'an inconsistent definition',
        '/resources/TEST-RES-2',
        { ...definition, keyItem: 'nope', rules: [{ type: 'citizenId', item: 'sl' }] },
        OPS,
        422,
        'DEFINITION_INVALID',
      ],
      ['a body of the wrong shape', '/resources/TEST-RES-2', { ...definition, sharingType: 'maybe', items: 'x' }, OPS, 400, undefined],
      ['no items', '/resources/TEST-RES-2', { ...definition, items: [] }, OPS, 400, undefined],
      ['an unknown field', '/resources/TEST-RES-2', { ...definition, extra: 1 }, OPS, 400, undefined],
      ['a bad code', '/resources/a%20b', definition, OPS, 400, 'RESOURCE_CODE_INVALID'],
      [
        'another provider for a catalogued resource',
        '/resources/TEST-RES-1',
        { ...definition, providerDepartment: '别的局' },
        OPS,
        409,
        'PROVIDER_CHANGED',
      ],
      ['no X-Caller', '/resources/TEST-RES-2', definition, INTERNAL, 400, undefined],
      ['no internal token', '/resources/TEST-RES-2', definition, { 'x-internal-token': '', 'x-caller': 'x' }, 401, undefined],
    ])('refuses %s', async (_what, path, body, headers, status, code) => {
      const r = await putJson(url(path), body, headers);
      expect(r.status).toBe(status);
      if (code) expect(r.body).toMatchObject({ code });
      expect((await getJson(url('/resources/TEST-RES-2'), INTERNAL)).status).toBe(404);
    });

    it('answers 404 for an unknown resource, its versions and its quality report', async () => {
      for (const path of ['/resources/NO-SUCH', '/resources/NO-SUCH/versions', '/resources/NO-SUCH/quality'])
        expect(await getJson(url(path), INTERNAL)).toMatchObject({ status: 404, body: { code: 'RESOURCE_NOT_FOUND' } });
      expect((await getJson(url('/resources?library=moon'), INTERNAL)).status).toBe(400);
    });
  });

  describe('ingestion over Kafka', () => {
    it('stores good records with history, never the plain ID number, and applies a change, a duplicate and a late older version correctly', async () => {
      const a = person(101);
      const b = person(102);
      await publish([event(a), event(b)]);
      const [row] = await eventually(async () => ((await stored(a.sfzh)).length ? stored(a.sfzh) : null));
      expect(row).toMatchObject({ version: 1, versions: 1, origin: 'kafka', values: { xm: a.xm, xb: '1', csrq: '1990-05-17' } });
      expect(JSON.stringify(row)).not.toContain(a.sfzh);
      await eventually(async () => ((await stored(b.sfzh)).length ? true : null));

      // A change, then the same event again (redelivery), then an older version arriving late.
      const change = event({ ...a, hjdz: '南京市鼓楼区' }, { updatedAt: new Date(Date.now() - 30_000).toISOString() });
      await publish([change, change, event({ ...a, xm: '旧名' }, { updatedAt: new Date(Date.now() - 3_600_000).toISOString() })]);
      await eventually(async () => ((await stored(a.sfzh))[0]?.version === 2 ? true : null));
      const sentinel = person(103);
      await publish([event(sentinel)]);
      await eventually(async () => ((await stored(sentinel.sfzh)).length ? true : null));
      expect((await stored(a.sfzh))[0]).toMatchObject({ version: 2, versions: 2, values: { xm: a.xm, hjdz: '南京市鼓楼区' } });
    });

    it('applies records fetched together as if one by one: versions in order, a redelivered record or quarantine entry once', async () => {
      const a = person(112);
      const bad = { ...person(113), xb: '7' };
      const t = (s: number) => new Date(Date.now() - s * 1000).toISOString();
      const first = event(a, { updatedAt: t(50) });
      const change = event({ ...a, hjdz: '南京市玄武区' }, { updatedAt: t(40) });
      const older = event({ ...a, xm: '旧名' }, { updatedAt: t(45) });
      const rejected = event(bad);
      const sentinel = person(114);
      // One send with one key: one partition, fetched together.
      await producer.send({
        topic: wireTopicOf(Topic.DataRecordPublished),
        messages: [first, change, change, older, rejected, rejected, first, event(sentinel)].map((e) => ({
          key: 'batch',
          value: JSON.stringify(e),
        })),
      });
      await eventually(async () => ((await stored(sentinel.sfzh)).length ? true : null));
      expect((await stored(a.sfzh))[0]).toMatchObject({ version: 2, versions: 2, values: { xm: a.xm, hjdz: '南京市玄武区' } });
      const entries = await quarantined(bad.sfzh);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ status: 'open' });
      // Another publisher's event with the same event id does not land on (or hide behind) this entry.
      const impostor = { ...event({ ...person(116), xb: '7' }), eventId: rejected.eventId, department: '某区民政局' };
      await publish([impostor]);
      await eventually(async () => ((await quarantined(person(116).sfzh)).length === 1 ? true : null));
      expect((await quarantined(person(116).sfzh))[0]!.id).not.toBe(entries[0]!.id);
      // Delivered again later (a redelivery after a restart): nothing changes.
      await publish([rejected, change, first]);
      const later = person(115);
      await publish([event(later)]);
      await eventually(async () => ((await stored(later.sfzh)).length ? true : null));
      expect(await quarantined(bad.sfzh)).toHaveLength(1);
      expect((await stored(a.sfzh))[0]).toMatchObject({ version: 2, versions: 2 });
    });

    it('takes a batch mixing resources: a parent and a birth certificate naming them tag the parent; a newer certificate naming another mother moves the tag', async () => {
      const rule =
        "'JS-WJ-CS-0001' in profile.mentions && profile.mentions['JS-WJ-CS-0001'].exists(b, timestamp(b.cssj) > timestamp(now) - duration('8760h'))";
      expect((await putJson(url('/tags/e2e-mix'), { name: '新生儿家庭（批量）', rule }, OPS)).status).toBe(200);
      const member = async (id: string) =>
        ((await getJson(url(`/tags/e2e-mix/members/${id}`), INTERNAL)).body as { member: boolean }).member;
      const mother = person(117);
      const other = person(118);
      const born = new Date(Date.now() - 3 * 86_400_000).toISOString();
      const certificate = (mq: string, updatedAt: string) =>
        event(
          { zmbh: 'Q320000917', xsexm: '批量宝', xb: '1', cssj: born, mqsfzh: mq, qfrq: born.slice(0, 10) },
          { resourceCode: 'JS-WJ-CS-0001', department: '省卫生健康委员会', updatedAt },
        );
      const t = (s: number) => new Date(Date.now() - s * 1000).toISOString();
      await producer.send({
        topic: wireTopicOf(Topic.DataRecordPublished),
        messages: [event(mother), certificate(mother.sfzh, t(20)), event(other)].map((e) => ({ key: 'mix', value: JSON.stringify(e) })),
      });
      await eventually(async () => ((await member(mother.sfzh)) ? true : null));
      expect(await member(other.sfzh)).toBe(false);
      // The certificate corrected: it names another mother. The first loses the mention and the tag.
      await publish([certificate(other.sfzh, t(10))]);
      await eventually(async () => ((await member(other.sfzh)) ? true : null));
      expect(await member(mother.sfzh)).toBe(false);
    });

    it('recognises a redelivered event stored before a rule tightened: applied already, not quarantined', async () => {
      const definition = {
        name: '重投测试资源',
        classification: 'department',
        providerDepartment: '测试局',
        abstract: '用于测试重投的资源',
        format: 'table',
        updateCycle: 'monthly',
        sharingType: 'unconditional',
        openAttribute: 'not_open',
        subjectType: 'company',
        keyItem: 'dm',
        items: [
          { code: 'dm', name: '代码', type: 'string', grade: 'core', personal: 'none', required: true },
          { code: 'sl', name: '数量', type: 'integer', grade: 'general', personal: 'none' },
        ],
        rules: [{ type: 'range', item: 'sl', min: 0 }],
      };
      expect((await putJson(url('/resources/TEST-REDELIVER'), definition, OPS)).status).toBe(200);
      const stored = event({ dm: 'R-0001', sl: 5 }, { resourceCode: 'TEST-REDELIVER', department: '测试局' });
      const send = (e: object) =>
        producer.send({ topic: wireTopicOf(Topic.DataRecordPublished), messages: [{ key: 'R-0001', value: JSON.stringify(e) }] });
      await send(stored);
      const row = () =>
        sql(`SELECT version FROM $schema.data_record WHERE resource_code = 'TEST-REDELIVER'`) as Promise<{ version: number }[]>;
      await eventually(async () => ((await row()).length ? true : null));
      // The rule tightens (at least 10), then the same event arrives again (a redelivery after a crash).
      const v2 = await putJson(url('/resources/TEST-REDELIVER'), { ...definition, rules: [{ type: 'range', item: 'sl', min: 10 }] }, OPS);
      expect(v2.body).toMatchObject({ version: 2 });
      await new Promise((r) => setTimeout(r, 2_100)); // the catalogue's compiled cache (2 s)
      await send(stored);
      // A new record breaking the new rule is quarantined: the rule is in force, and the redelivery was handled before it.
      await send(event({ dm: 'R-0002', sl: 5 }, { resourceCode: 'TEST-REDELIVER', department: '测试局' }));
      await eventually(async () => ((await quarantined('R-0002')).length ? true : null));
      expect(await quarantined('R-0001')).toEqual([]);
      expect(await row()).toEqual([{ version: 1 }]);
    });

    it('quarantines failing records with every reason (wrong check character, wrong department, unknown resource), never drops them', async () => {
      const good = person(104);
      const bad = { ...good, sfzh: `${good.sfzh.slice(0, 17)}${good.sfzh[17] === '1' ? '2' : '1'}`, xb: '7', csrq: '2999-01-01' };
      await publish([
        event(bad),
        event(person(105), { department: '某区民政局' }),
        event(person(106), { resourceCode: 'NO-SUCH-RESOURCE' }),
        event(person(107, { xm: undefined })),
      ]);
      const entries = await eventually(async () => {
        const all = [
          ...(await quarantined(bad.sfzh)),
          ...(await quarantined('测试105')),
          ...(await quarantined('测试106')),
          ...(await quarantined(person(107).sfzh)),
        ];
        return all.length === 4 ? all : null;
      }, 30_000);
      expect(entries.map((e) => e.reasons.map((r) => `${r.rule}:${r.item}`).sort())).toEqual([
        ['citizenId:sfzh', 'codeList:xb', 'date:csrq'],
        ['provider:null'],
        ['resource:null'],
        ['required:xm'],
      ]);
      expect(entries.every((e) => e.status === 'open')).toBe(true);
      expect(await stored(good.sfzh)).toEqual([]);
    });

    it('dead-letters malformed events and keeps consuming', async () => {
      const marker = randomUUID();
      const seen: string[] = [];
      const consumer = kafka.consumer({ groupId: `e2e-dlq-${marker}`, maxWaitTimeInMs: 100 });
      await consumer.connect();
      await consumer.subscribe({ topic: deadLetterTopicOf('data-platform'), fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          if (message.value?.toString().includes(marker)) seen.push(message.headers?.[PlatformHeader.DeadLetterError]?.toString() ?? '');
        },
      });
      await producer.send({
        topic: wireTopicOf(Topic.DataRecordPublished),
        messages: [
          { value: `not json ${marker}` },
          { value: JSON.stringify({ ...event(person(108)), eventId: 'not-a-uuid', marker }) },
          { value: JSON.stringify({ ...event(person(109)), record: [marker] }) },
          { value: JSON.stringify({ ...event(person(110)), updatedAt: 'yesterday', marker }) },
        ],
      });
      await eventually(async () => (seen.length >= 4 ? true : null), 30_000);
      await consumer.disconnect();
      expect(seen.join('\n')).toMatch(/eventId/);
      expect(seen.join('\n')).toMatch(/record/);
      expect(seen.join('\n')).toMatch(/updatedAt/);
      const after = person(111);
      await publish([event(after)]);
      await eventually(async () => ((await stored(after.sfzh)).length ? true : null));
    });
  });

  describe('quarantine', () => {
    it('takes a correction through the same checks: still failing keeps it open with the new reasons, passing stores it', async () => {
      const good = person(120);
      await publish([event({ ...good, xb: 'x', csrq: '1990-02-30' })]);
      const [entry] = await eventually(async () => ((await quarantined(good.sfzh)).length ? quarantined(good.sfzh) : null));
      const shown = await getJson(url(`/quarantine/${entry!.id}`), INTERNAL);
      expect(shown.body).toMatchObject({ status: 'open', attempts: 1, resourceCode: POP, department: '省公安厅' });

      // Past the catalogue's 2-s cache: the correction looks the resource up again, inside its transaction (one connection).
      await new Promise((r) => setTimeout(r, 2_100));
      const still = await putJson(url(`/quarantine/${entry!.id}`), { record: { ...good, csrq: '1990-02-30' } }, OPS);
      expect(still.status).toBe(422);
      expect(still.body).toMatchObject({ code: 'RECORD_STILL_FAILS', errors: [{ field: 'record.csrq' }] });
      expect((await getJson(url(`/quarantine/${entry!.id}`), INTERNAL)).body).toMatchObject({ status: 'open', attempts: 2 });

      const fixed = await putJson(url(`/quarantine/${entry!.id}`), { record: good }, OPS);
      expect(fixed.status).toBe(200);
      expect(fixed.body).toMatchObject({ status: 'accepted', outcome: { status: 'stored', version: 1 } });
      expect((await stored(good.sfzh))[0]).toMatchObject({ origin: 'quarantine', values: { xm: good.xm } });
      expect((await getJson(url(`/quarantine/${entry!.id}`), INTERNAL)).body).toMatchObject({
        status: 'accepted',
        attempts: 3,
        resolvedBy: 'ops@data',
      });
      expect((await putJson(url(`/quarantine/${entry!.id}`), { record: good }, OPS)).body).toMatchObject({
        code: 'QUARANTINE_ENTRY_CLOSED',
      });
      const other = person(122, { xb: 'q' });
      await publish([event(other)]);
      const [second] = await eventually(async () => ((await quarantined(other.sfzh)).length ? quarantined(other.sfzh) : null));
      const hijack = await putJson(url(`/quarantine/${second!.id}`), { record: { ...other, xb: '1', sfzh: person(123).sfzh } }, OPS);
      expect(hijack).toMatchObject({ status: 422, body: { code: 'KEY_CHANGED' } });
    });

    it('discards an entry with its reason, keeps it, and lists entries by resource and status', async () => {
      const p = person(121, { xb: 'z' });
      await publish([event(p)]);
      const [entry] = await eventually(async () => ((await quarantined(p.sfzh)).length ? quarantined(p.sfzh) : null));
      const discarded = await post(url(`/quarantine/${entry!.id}/discard`), { reason: '重复报送，已线下核实' }, OPS);
      expect(discarded.status).toBe(200);
      expect(discarded.body).toMatchObject({ status: 'discarded', resolvedBy: 'ops@data' });
      expect((await post(url(`/quarantine/${entry!.id}/discard`), { reason: '再次作废' }, OPS)).status).toBe(409);
      const list = await getJson(url(`/quarantine?resource=${POP}&status=discarded`), INTERNAL);
      expect((list.body as { entries: { id: string }[] }).entries.map((e) => e.id)).toContain(entry!.id);
    });

    it.each([
      ['an unknown entry', `/quarantine/${randomUUID()}`, 'put', { record: {} }, 404],
      ['an id that is not a UUID', '/quarantine/abc', 'get', undefined, 404],
      ['a correction that is not an object', `/quarantine/${randomUUID()}`, 'put', { record: 'x' }, 400],
      ['a discard without a reason', `/quarantine/${randomUUID()}/discard`, 'post', {}, 400],
      ['a bad status filter', '/quarantine?status=lost', 'get', undefined, 400],
    ])('refuses %s', async (_what, path, method, body, status) => {
      const r =
        method === 'get'
          ? await getJson(url(path), INTERNAL)
          : method === 'put'
            ? await putJson(url(path), body, OPS)
            : await post(url(path), body, OPS);
      expect(r.status).toBe(status);
    });
  });

  describe('backfill over HTTP and the quality report', () => {
    const FR = 'JS-SJ-FR-0001';
    const company = (n: number, patch: Record<string, unknown> = {}) => ({
      tyshxydm: generateCreditCode({ regionCode: '320100', organisationBody: `MA1XY${String(n).padStart(3, '0')}` }),
      mc: `南京测试${n}有限公司`,
      fddbr: '李四',
      clrq: '2020-01-02',
      ...patch,
    });
    const batch = (records: object[], department = '江苏省市场监督管理局') =>
      post(
        url(`/resources/${FR}/records`),
        { department, records: records.map((record) => ({ updatedAt: '2026-12-01T08:00:00+08:00', record })) },
        FEED,
      );

    it('stores good records and quarantines bad ones (a name another record holds, a negative capital) in one answer', async () => {
      const r = await batch([company(1, { zczb: 100 }), company(2, { mc: '南京测试1有限公司' }), company(3, { zczb: -5 }), company(4)]);
      expect(r.status).toBe(200);
      const body = r.body as { stored: number; quarantined: { index: number; reasons: { rule: string }[] }[] };
      expect(body.stored).toBe(2);
      expect(body.quarantined.map((q) => [q.index, q.reasons.map((x) => x.rule)])).toEqual([
        [1, ['unique']],
        [2, ['range']],
      ]);
      expect((await batch([company(1, { zczb: 100 })])).body).toMatchObject({ stored: 0, unchanged: 1 });
    });

    it('marks a batch flowing back from a national system (回流) with its origin, through the same checks', async () => {
      const p = person(130);
      const r = await post(
        url(`/resources/${POP}/records`),
        {
          department: '省公安厅',
          from: 'national',
          records: [
            { updatedAt: '2026-12-01T08:00:00+08:00', record: p },
            { updatedAt: '2026-12-01T08:00:00+08:00', record: { ...p, sfzh: '1' } },
          ],
        },
        FEED,
      );
      expect(r.body).toMatchObject({ stored: 1, quarantined: [{ index: 1 }] });
      expect((await stored(p.sfzh))[0]).toMatchObject({ origin: 'national' });
      const [entry] = (await sql(`SELECT origin FROM $schema.data_quarantine WHERE record->>'sfzh' = '1' AND origin = 'national'`)) as {
        origin: string;
      }[];
      expect(entry).toEqual({ origin: 'national' });
      expect(
        (
          await post(
            url(`/resources/${POP}/records`),
            { department: '省公安厅', from: 'moon', records: [{ updatedAt: '2026-12-01T08:00:00Z', record: p }] },
            FEED,
          )
        ).status,
      ).toBe(400);
    });

    it('keeps the latest state whatever the order: A then A again later, then a late B older than the second A', async () => {
      const a = company(40);
      const at = (iso: string, record: object) =>
        post(url(`/resources/${FR}/records`), { department: '江苏省市场监督管理局', records: [{ updatedAt: iso, record }] }, FEED);
      expect((await at('2026-11-01T08:00:00+08:00', a)).body).toMatchObject({ stored: 1 });
      expect((await at('2026-11-03T08:00:00+08:00', a)).body).toMatchObject({ unchanged: 1 });
      expect((await at('2026-11-02T08:00:00+08:00', { ...a, fddbr: '王五' })).body).toMatchObject({ stale: 1 });
      const [row] = (await sql(`SELECT "values", version FROM $schema.data_record WHERE resource_code = $1 AND "values"->>'mc' = $2`, [
        FR,
        a.mc,
      ])) as { values: { fddbr: string }; version: number }[];
      expect(row).toMatchObject({ version: 1, values: { fddbr: '李四' } });
    });

    it('writes each version’s history with the change time that made it, when one batch adds, changes and re-sends a record', async () => {
      const history = async (idNumber: string) =>
        (await sql(
          `SELECT h.version, h.source_updated_at, h."values"->>'xm' AS xm FROM $schema.data_record_history h
             JOIN $schema.data_record r ON r.resource_code = h.resource_code AND r.record_key = h.record_key
            WHERE r.key_masked = $1 ORDER BY h.version`,
          [`${idNumber.slice(0, 6)}********${idNumber.slice(-4)}`],
        )) as { version: number; source_updated_at: Date; xm: string }[];
      const send = (records: { updatedAt: string; record: object }[]) =>
        post(url(`/resources/${POP}/records`), { department: '省公安厅', records }, FEED);
      for (const [seq, before] of [
        [140, false],
        [141, true],
      ] as const) {
        const p = person(seq);
        if (before) expect((await send([{ updatedAt: '2026-11-01T08:00:00Z', record: { ...p, xm: '旧名' } }])).status).toBe(200);
        const r = await send([
          { updatedAt: '2026-11-02T08:00:00Z', record: p },
          { updatedAt: '2026-11-03T08:00:00Z', record: { ...p, xm: '新名' } },
          { updatedAt: '2026-11-04T08:00:00Z', record: { ...p, xm: '新名' } },
        ]);
        expect(r.body).toMatchObject({ stored: 2, unchanged: 1 });
        const rows = (await history(p.sfzh)).map((h) => [h.version, h.source_updated_at.toISOString(), h.xm]);
        expect(rows).toEqual([
          ...(before ? [[1, '2026-11-01T08:00:00.000Z', '旧名']] : []),
          [before ? 2 : 1, '2026-11-02T08:00:00.000Z', p.xm],
          [before ? 3 : 2, '2026-11-03T08:00:00.000Z', '新名'],
        ]);
        const [current] = await stored(p.sfzh);
        expect(current).toMatchObject({ version: before ? 3 : 2, values: { xm: '新名' } });
        expect((current as unknown as { source_updated_at: Date }).source_updated_at.toISOString()).toBe('2026-11-04T08:00:00.000Z');
      }
    });

    it.each([
      ['no X-Caller', INTERNAL, { department: 'x', records: [{ updatedAt: '2026-12-01T00:00:00Z', record: {} }] }],
      ['a change time without its offset', FEED, { department: 'x', records: [{ updatedAt: '2026-12-01T00:00:00', record: {} }] }],
      [
        'a change time of 100 characters',
        FEED,
        { department: 'x', records: [{ updatedAt: `2026-12-01T00:00:00.${'1'.repeat(78)}Z`, record: {} }] },
      ],
    ])('refuses a batch with %s (400)', async (_what, headers, body) => {
      expect((await post(url(`/resources/${FR}/records`), body, headers)).status).toBe(400);
    });

    it('refuses a malformed batch with a 4xx', async () => {
      const big = Array.from({ length: 1001 }, () => company(1));
      expect((await batch(big)).status).toBe(400);
      expect(
        (await post(url(`/resources/${FR}/records`), { department: 'x', records: [{ updatedAt: 'now', record: {} }] }, FEED)).status,
      ).toBe(400);
      expect((await post(url(`/resources/${FR}/records`), 'not json', FEED)).status).toBe(400);
      expect(
        (
          await post(
            url('/resources/NO-SUCH/records'),
            { department: 'x', records: [{ updatedAt: '2026-12-01T00:00:00Z', record: {} }] },
            FEED,
          )
        ).status,
      ).toBe(404);
    });

    it('reports completeness, error rate per department and freshness', async () => {
      await batch([company(9)], '别的部门');
      const r = await getJson(url(`/resources/${FR}/quality`), INTERNAL);
      expect(r.status).toBe(200);
      const report = r.body as {
        records: number;
        completeness: number;
        fresh: boolean;
        departments: { department: string; stored: number; quarantined: number; errorRate: number }[];
      };
      // Two records of the demo companies (SEED_DEMO, all four items filled), the two of the first batch, company 40.
      expect(report.records).toBe(5);
      // 4 non-key items: the two demo companies and company 1 fill all 4, companies 4 and 40 fill 3 (no capital).
      expect(report.completeness).toBeCloseTo(0.9, 4);
      expect(report.fresh).toBe(true);
      expect(report.departments).toEqual([
        expect.objectContaining({ department: '别的部门', stored: 0, quarantined: 1, errorRate: 1 }),
        expect.objectContaining({ department: '江苏省市场监督管理局', stored: 5, quarantined: 2, errorRate: 0.2857 }),
      ]);
    });

    it('checks unique values as if one by one: a name that moves to another company in the same batch, a name taken by a record that turns out stale', async () => {
      const at = (updatedAt: string, record: object) => ({ updatedAt, record });
      const send = (records: object[]) => post(url(`/resources/${FR}/records`), { department: '江苏省市场监督管理局', records }, FEED);
      expect((await send([at('2026-12-01T08:00:00+08:00', company(55, { mc: '南京搬名有限公司' }))])).body).toMatchObject({ stored: 1 });
      // Company 5 takes another name (newer) and company 56 takes its old one, in one batch: both stored.
      const swap = await send([
        at('2026-12-02T08:00:00+08:00', company(55, { mc: '南京新名有限公司' })),
        at('2026-12-02T08:00:00+08:00', company(56, { mc: '南京搬名有限公司' })),
      ]);
      expect(swap.body).toMatchObject({ stored: 2, quarantined: [] });
      // A record older than company 55's current one (stale) does not hold its name against company 57.
      const stale = await send([
        at('2026-11-01T08:00:00+08:00', company(55, { mc: '南京旧名有限公司' })),
        at('2026-12-02T08:00:00+08:00', company(57, { mc: '南京旧名有限公司' })),
      ]);
      expect(stale.body).toMatchObject({ stored: 1, stale: 1, quarantined: [] });
      // The same name twice in one batch: the second is quarantined, as one by one.
      const twice = await send([
        at('2026-12-02T08:00:00+08:00', company(58, { mc: '南京同名有限公司' })),
        at('2026-12-02T08:00:00+08:00', company(59, { mc: '南京同名有限公司' })),
      ]);
      expect(twice.body).toMatchObject({ stored: 1, quarantined: [{ index: 1, reasons: [{ rule: 'unique' }] }] });
    });
  });

  describe('bulk loads (批量归集: NDJSON kept by COPY, then checked a chunk at a time)', () => {
    const bulk = (
      code: string,
      body: string | Buffer,
      query = 'department=%E7%9C%81%E5%85%AC%E5%AE%89%E5%8E%85',
      headers: Record<string, string> = {},
    ) =>
      fetch(url(`/resources/${code}/bulk-loads?${query}`), {
        method: 'POST',
        headers: Object.fromEntries(
          Object.entries({ ...FEED, 'content-type': 'application/x-ndjson', ...headers }).filter(([, v]) => v !== ''),
        ),
        body,
      }).then(async (r) => ({ status: r.status, body: (await r.json().catch(() => null)) as Record<string, unknown> }));
    const line = (record: object, updatedAt = '2026-12-01T08:00:00+08:00') => JSON.stringify({ updatedAt, record });
    const bulkPerson = (n: number) => ({
      ...person(0),
      sfzh: generateCitizenId({ regionCode: '320104', birthDate: `1985-0${1 + Math.floor(n / 1000)}-11`, sequence: n % 1000 }),
      xm: `批量${n}`,
    });
    const finished = async (id: string) =>
      eventually(async () => {
        const r = await getJson(url(`/bulk-loads/${id}`), INTERNAL);
        expect(r.body).toMatchObject({ status: 'done' });
        return r.body as Record<string, unknown> & { quarantineSample: { line: number; id: string; reasons: { rule: string }[] }[] };
      }, 60_000);
    const loads = async () => ((await sql(`SELECT count(*)::int AS n FROM $schema.data_bulk_load`)) as { n: number }[])[0]!.n;

    it('keeps the upload, then stores good lines over several chunks and quarantines the rest with their line numbers', async () => {
      const lines = Array.from({ length: 2_500 }, (_, n) => line(bulkPerson(n)));
      lines[10] = '{"updatedAt": "2026-12-01T08:00:00+08:00", "record": {'; // not JSON
      lines[2_100] = line({ ...bulkPerson(2_100), sfzh: `${bulkPerson(2_100).sfzh.slice(0, 17)}0` }); // wrong check character
      lines[2_200] = JSON.stringify({ updatedAt: '2026-12-01T08:00:00+08:00', record: bulkPerson(2_200), extra: 1 }); // unknown field
      lines[2_300] = JSON.stringify({ updatedAt: '2026-12-01T08:00:00+08:00', record: [1] }); // not an object
      const body = `${lines.slice(0, 1_000).join('\n')}\n\n\r\n${lines.slice(1_000).join('\r\n')}\n${lines[5]}`;
      const r = await bulk(POP, body);
      expect(r.status).toBe(202);
      expect(r.body).toMatchObject({ status: 'received', lines: 2_501, resourceCode: POP, origin: 'http', submittedBy: 'feed@department' });
      const done = await finished(r.body['id'] as string);
      expect(done).toMatchObject({ lines: 2_501, processed: 2_501, stored: 2_496, unchanged: 1, quarantined: 4, error: null });
      expect(done.quarantineSample.map((q) => [q.line, q.reasons.map((x) => x.rule)])).toEqual([
        [11, ['format']],
        [2_101, ['citizenId']],
        [2_201, ['format']],
        [2_301, ['format']],
      ]);
      expect(await sql(`SELECT count(*)::int AS n FROM $schema.data_bulk_line`)).toEqual([{ n: 0 }]);
      expect((await stored(bulkPerson(2_499).sfzh))[0]).toMatchObject({ origin: 'http', version: 1, values: { xm: '批量2499' } });
      // The unreadable line is kept as it came, and corrected like any other entry.
      const notJson = done.quarantineSample[0]!;
      const entry = await getJson(url(`/quarantine/${notJson.id}`), INTERNAL);
      expect(entry.body).toMatchObject({ record: { line: lines[10] }, status: 'open' });
      const fixed = await putJson(
        url(`/quarantine/${notJson.id}`),
        { record: bulkPerson(10), updatedAt: '2026-12-01T08:00:00+08:00' },
        OPS,
      );
      expect(fixed.body).toMatchObject({ status: 'accepted' });
    }, 120_000);

    it('marks a load flowing back from a national system (回流) and leaves what was stored alone when loaded again', async () => {
      const body = [line(bulkPerson(2_600)), line(bulkPerson(2_601))].join('\n');
      const first = await bulk(POP, body, 'department=%E7%9C%81%E5%85%AC%E5%AE%89%E5%8E%85&from=national');
      expect(first.body).toMatchObject({ origin: 'national' });
      expect(await finished(first.body['id'] as string)).toMatchObject({ stored: 2 });
      expect((await stored(bulkPerson(2_600).sfzh))[0]).toMatchObject({ origin: 'national' });
      const again = await bulk(POP, body);
      expect(await finished(again.body['id'] as string)).toMatchObject({ stored: 0, unchanged: 2 });
    }, 120_000);

    it.each([
      ['an unknown resource', 'NO-SUCH', line(bulkPerson(1)), undefined, {}, 404],
      ['a department that is not the provider', POP, line(bulkPerson(1)), 'department=%E5%88%AB%E5%A4%84', {}, 403],
      ['no department', POP, line(bulkPerson(1)), 'from=national', {}, 400],
      ['an unknown origin', POP, line(bulkPerson(1)), 'department=%E7%9C%81%E5%85%AC%E5%AE%89%E5%8E%85&from=moon', {}, 400],
      ['no X-Caller', POP, line(bulkPerson(1)), undefined, { 'x-caller': '' }, 400],
      ['no internal token', POP, line(bulkPerson(1)), undefined, { 'x-internal-token': 'wrong' }, 401],
      ['a JSON body', POP, JSON.stringify({ records: [] }), undefined, { 'content-type': 'application/json' }, 415],
      ['an empty body', POP, '', undefined, {}, 400],
      ['only blank lines', POP, '\n\r\n  \n', undefined, {}, 400],
      ['a line over 64 KiB', POP, `${line(bulkPerson(1))}\n${'x'.repeat(70_000)}\n`, undefined, {}, 400],
      [
        'bytes that are not UTF-8',
        POP,
        Buffer.concat([Buffer.from(`${line(bulkPerson(1))}\n{"a":"`), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]),
        undefined,
        {},
        400,
      ],
      ['a NUL byte', POP, `${line(bulkPerson(1))}\n{"a":"\u0000"}\n`, undefined, {}, 400],
    ])('refuses %s, keeping nothing', async (_what, code, body, query, headers, status) => {
      const before = await loads();
      const r = await bulk(code, body, query, headers);
      expect(r.status).toBe(status);
      expect(r.body).toMatchObject({ status, code: expect.any(String) });
      expect(await loads()).toBe(before);
    });

    it('finishes a load an instance left half done (its remaining staged lines), without redoing the processed ones', async () => {
      const id = randomUUID();
      await sql(
        `INSERT INTO $schema.data_bulk_load (id, resource_code, department, origin, submitted_by, status, lines, bytes, processed, stored, received_at)
         VALUES ($1, $2, '省公安厅', 'http', 'feed@department', 'processing', 3, 300, 1, 1, now() - interval '1 hour')`,
        [id, POP],
      );
      await sql(`INSERT INTO $schema.data_bulk_line (load_id, line_no, line) VALUES ($1, 2, $2), ($1, 3, $3)`, [
        id,
        line(bulkPerson(2_700)),
        line(bulkPerson(2_701)),
      ]);
      // Any upload (or the next poll, or a restart) sets the processing going again; the oldest load first.
      const next = await bulk(POP, line(bulkPerson(2_702)));
      await finished(next.body['id'] as string);
      expect(await finished(id)).toMatchObject({ lines: 3, processed: 3, stored: 3, quarantined: 0 });
      expect((await stored(bulkPerson(2_701).sfzh))[0]).toMatchObject({ version: 1 });
    }, 120_000);

    it('keeps nothing of an upload whose sender goes away halfway, and goes on serving', async () => {
      const before = await loads();
      const target = new URL(url(`/resources/${POP}/bulk-loads?department=%E7%9C%81%E5%85%AC%E5%AE%89%E5%8E%85`));
      await new Promise<void>((resolve) => {
        const req = request(
          {
            host: target.hostname,
            port: target.port,
            path: `${target.pathname}${target.search}`,
            method: 'POST',
            headers: { ...FEED, 'content-type': 'application/x-ndjson', 'transfer-encoding': 'chunked' },
          },
          () => resolve(),
        );
        req.on('error', () => resolve());
        req.write(`${line(bulkPerson(2_800))}\n${line(bulkPerson(2_801)).slice(0, 40)}`);
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 300);
      });
      await new Promise((r) => setTimeout(r, 500));
      expect(await loads()).toBe(before);
      expect(await stored(bulkPerson(2_800).sfzh)).toEqual([]);
      expect((await bulk(POP, line(bulkPerson(2_802)))).status).toBe(202);
    });

    it('holds no database connection for a stalled upload (this service runs on a pool of one), and takes a mixed-case content type', async () => {
      const target = new URL(url(`/resources/${POP}/bulk-loads?department=%E7%9C%81%E5%85%AC%E5%AE%89%E5%8E%85`));
      const answer = new Promise<number>((resolve) => {
        const req = request(
          {
            host: target.hostname,
            port: target.port,
            path: `${target.pathname}${target.search}`,
            method: 'POST',
            headers: { ...FEED, 'content-type': 'Application/X-NDJSON', 'transfer-encoding': 'chunked' },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.write(`${line(bulkPerson(2_900))}\n`);
        // The sender stalls; meanwhile the service serves requests that need its one connection.
        setTimeout(() => req.end(`${line(bulkPerson(2_901))}\n`), 3_000);
      });
      const started = Date.now();
      expect((await getJson(url('/quarantine?status=open'), INTERNAL)).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(await answer).toBe(202);
    }, 30_000);

    it('answers 415 to NDJSON sent to any other route, 404 for an unknown or malformed load id', async () => {
      const other = await fetch(url(`/resources/${POP}/records`), {
        method: 'POST',
        headers: { ...FEED, 'content-type': 'application/x-ndjson' },
        body: line(bulkPerson(1)),
      });
      expect(other.status).toBe(415);
      expect((await getJson(url(`/bulk-loads/${randomUUID()}`), INTERNAL)).status).toBe(404);
      expect((await getJson(url('/bulk-loads/not-a-uuid'), INTERNAL)).status).toBe(404);
    });
  });
});
