import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { subjectKeyOf, Topic, wireTopicOf } from '@gmp/contracts';
import { dataPlatformService } from '@gmp/feature-data';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { DEMO_PERSON, techCapabilitiesService } from '@gmp/feature-tech';
import { DEMO_COMPANIES, generateCitizenId, generateCreditCode } from '@gmp/gov-standards';
import { type RunningService, startService } from '@gmp/service-kit';
import { eventually, inOwnSchema, integrationEnv, TEST_SUBJECT_KEY_SECRET } from '@gmp/testing';
import { getJson, INTERNAL, post, putJson, registerGrantedApp } from './dispatch-client.js';
import { OidcFlows } from './oidc-flows.js';
import { authoriseAgent } from './staff-accounts.js';
import { freePort } from './service-process.js';

/**
 * 数据共享 over real Kafka and PostgreSQL: a department applies for a conditional resource, the
 * owner answers within 10 working days counted by the platform's calendar, the applicant's app
 * reads masked data through dispatch with a case number, and the citizen's "who used my data"
 * shows each read and refusal; revocation, expiry, escalation and the least-privilege report.
 */
describe('data platform: sharing and data services', () => {
  let tech: RunningService;
  let data: RunningService;
  let dispatch: RunningService;
  let issuer: string;
  const POP = 'JS-GA-RK-0001';
  const OWNER = '省公安厅';
  const APPLICANT = '南京市玄武区卫生健康委员会';
  const CLERK = { ...INTERNAL, 'x-caller': 'clerk@applicant' };
  const REVIEWER = { ...INTERNAL, 'x-caller': 'reviewer@owner' };
  const FEED = { ...INTERNAL, 'x-caller': 'feed@department' };
  const citizen = {
    sfzh: generateCitizenId({ regionCode: '320102', birthDate: '1992-08-09', sequence: 317 }),
    xm: '周晓梅',
    xb: '2',
    csrq: '1992-08-09',
    mz: '01',
    hjdz: '南京市玄武区珠江路1号',
    hjzt: 'normal',
  };
  const sharing = (path: string) => `${data.url}/internal/v1/data/sharing${path}`;
  const invoke = (code: string, input: unknown, headers: Record<string, string> = {}) =>
    post(`${dispatch.url}/v1/capabilities/${code}/invoke`, input, { 'x-purpose': encodeURIComponent('新生儿出生一件事'), ...headers });
  const apply = (body: object = {}) =>
    post(
      sharing('/applications'),
      {
        resourceCode: POP,
        applicantDepartment: APPLICANT,
        appKey: 'demo-portal',
        items: ['sfzh', 'xm', 'csrq', 'hjdz'],
        purpose: '新生儿出生一件事：核验父母户籍信息',
        legalBasis: '《江苏省政务数据管理办法》第二十条',
        validDays: 30,
        ...body,
      },
      CLERK,
    );
  const decide = (id: string, body: object) => post(sharing(`/applications/${id}/decision`), { department: OWNER, ...body }, REVIEWER);
  const sql = (q: string, p: unknown[] = []) => data.app.get(DataSource).query(q.replaceAll('$schema', `"${data.definition.schema}"`), p);
  const usage = async () =>
    (
      await post(
        `${data.url}/internal/v1/data-access/records/search`,
        { holderType: 'person', holderId: citizen.sfzh, limit: 500 },
        INTERNAL,
      )
    ).body as {
      records: {
        resource: string;
        app: string;
        outcome: string;
        caseId: string | null;
        purpose: string | null;
        itemCount: number;
        legalBasis: string | null;
      }[];
    };

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}/oidc`;
    tech = await startService(inOwnSchema(techCapabilitiesService), integrationEnv({ PORT: String(port) }));
    data = await startService(inOwnSchema(dataPlatformService), integrationEnv());
    dispatch = await startService(inOwnSchema(serviceDispatchService), integrationEnv({ OIDC_ISSUER: issuer }));
    const stored = await post(
      `${data.url}/internal/v1/data/resources/${POP}/records`,
      { department: OWNER, records: [{ updatedAt: '2026-12-01T09:00:00+08:00', record: citizen }] },
      FEED,
    );
    expect(stored.body).toMatchObject({ stored: 1 });
  }, 180_000);

  afterAll(async () => {
    await dispatch?.close();
    await data?.close();
    await tech?.close();
  });

  it('takes a conditional application to the owner, due in 10 working days by the calendar, then reads masked data through dispatch with a case number', async () => {
    const applied = await apply();
    expect(applied.status).toBe(201);
    const share = applied.body as { id: string; status: string; dueOn: string; provisional: boolean };
    expect(share).toMatchObject({ status: 'pending', provisional: false });
    // The due day is 10 working days after today, as the calendar capability counts them.
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const counted = await post(`${dispatch.url}/v1/capabilities/calendar.count/invoke`, { from: today, to: share.dueOn });
    expect(counted.body).toMatchObject({ workingDays: 10 });

    // Before the answer: refused, and the refusal is in the citizen's log.
    const early = await invoke('data.read', { grantId: share.id, subjectId: citizen.sfzh });
    expect(early).toMatchObject({ status: 403, body: { code: 'GRANT_NOT_USABLE' } });

    expect(await decide(share.id, { department: '别的部门', approve: true })).toMatchObject({
      status: 403,
      body: { code: 'NOT_THE_OWNER' },
    });
    expect(await decide(share.id, { approve: false })).toMatchObject({ status: 422, body: { code: 'REASON_REQUIRED' } });
    const approved = await decide(share.id, { approve: true, reason: '符合共享条件' });
    expect(approved).toMatchObject({ status: 200, body: { status: 'approved', decidedBy: 'reviewer@owner', plainValues: false } });
    expect(await decide(share.id, { approve: true })).toMatchObject({ status: 409, body: { code: 'ALREADY_DECIDED' } });

    const read = await invoke('data.read', { grantId: share.id, subjectId: citizen.sfzh }, { 'x-case-id': 'CASE-2026-0001' });
    expect(read.status).toBe(200);
    expect(read.body).toEqual({
      resourceCode: POP,
      items: {
        sfzh: `${citizen.sfzh.slice(0, 6)}********${citizen.sfzh.slice(-4)}`,
        xm: '周**',
        csrq: '1********9',
        hjdz: '南京市玄武区****',
      },
      masked: true,
      version: 1,
      updatedAt: '2026-12-01T01:00:00.000Z',
    });
    expect(JSON.stringify(read.body)).not.toContain('珠江路');

    const log = await usage();
    expect(log.records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ resource: POP, app: 'demo-portal', outcome: 'REFUSED', itemCount: 0 }),
        expect.objectContaining({
          resource: POP,
          app: 'demo-portal',
          outcome: 'READ',
          caseId: 'CASE-2026-0001',
          itemCount: 4,
          legalBasis: `grant:${share.id}`,
          purpose: '新生儿出生一件事',
        }),
      ]),
    );
  });

  it('answers exists with yes or no only, one item masked, and refuses items outside the grant (each in the log)', async () => {
    const { body } = await apply();
    const id = (body as { id: string }).id;
    await decide(id, { approve: true });
    const yes = await invoke('data.exists', { grantId: id, subjectId: citizen.sfzh });
    expect(yes).toMatchObject({ status: 200, body: { exists: true } });
    // Naming the resource instead: the app's one current grant on it — none, several, another app's or another resource's: refused.
    expect(await invoke('data.exists', { resourceCode: 'JS-XF-JC-0001', subjectId: citizen.sfzh })).toMatchObject({
      status: 403,
      body: { code: 'GRANT_NOT_USABLE' },
    });
    expect(await invoke('data.exists', { grantId: id, resourceCode: 'JS-XF-JC-0001', subjectId: citizen.sfzh })).toMatchObject({
      status: 403,
      body: { code: 'GRANT_NOT_USABLE' },
    });
    for (const input of [
      { subjectId: citizen.sfzh },
      { resourceCode: 'js-ga', subjectId: citizen.sfzh },
      { grantId: 'x', subjectId: citizen.sfzh },
    ])
      expect((await invoke('data.exists', input)).status).toBe(400);
    const FIRE = { resourceCode: 'JS-XF-JC-0001', items: ['jcjg'], purpose: '告知承诺核查', validDays: 30 };
    const fireGrant = async () => {
      const applied = (await apply(FIRE)).body as { id: string };
      expect((await decide(applied.id, { department: '江苏省消防救援总队', approve: true })).status).toBe(200);
    };
    await fireGrant();
    const company = generateCreditCode({ regionCode: '320100', organisationBody: 'MA1DT7K2' });
    expect(await invoke('data.exists', { resourceCode: 'JS-XF-JC-0001', subjectId: company, match: { jcjg: 'pass' } })).toMatchObject({
      status: 200,
      body: { exists: false },
    });
    await fireGrant(); // a second grant on the resource: which basis applies is the caller's to say
    expect(await invoke('data.exists', { resourceCode: 'JS-XF-JC-0001', subjectId: company })).toMatchObject({
      status: 403,
      body: { code: 'GRANT_NOT_USABLE' },
    });
    // Matching a masked item would let guesses reveal it: refused (and logged) unless the grant shows it in plain.
    expect(await invoke('data.exists', { grantId: id, subjectId: citizen.sfzh, match: { xm: citizen.xm } })).toMatchObject({
      status: 403,
      body: { code: 'MATCH_ON_MASKED_ITEM' },
    });
    const nobody = await invoke('data.exists', {
      grantId: id,
      subjectId: generateCitizenId({ regionCode: '320102', birthDate: '1980-01-01', sequence: 5 }),
    });
    expect(nobody.body).toEqual({ exists: false });
    expect(await invoke('data.exists', { grantId: id, subjectId: citizen.sfzh, match: { hjzt: 'normal' } })).toMatchObject({
      status: 403,
      body: { code: 'ITEM_NOT_GRANTED' },
    });
    expect((await invoke('data.item', { grantId: id, subjectId: citizen.sfzh, item: 'xm' })).body).toEqual({
      item: 'xm',
      itemValue: '周**',
      masked: true,
    });
    expect(await invoke('data.item', { grantId: id, subjectId: citizen.sfzh, item: 'mz' })).toMatchObject({
      status: 403,
      body: { code: 'ITEM_NOT_GRANTED' },
    });
    const refusals = (await usage()).records.filter((r) => r.legalBasis === `grant:${id}` && r.outcome === 'REFUSED');
    expect(refusals).toHaveLength(3);
    // The refusals on a resource without a grant are in the log too.
    expect((await usage()).records.filter((r) => r.resource === 'JS-XF-JC-0001' && r.outcome === 'REFUSED')).toHaveLength(2);
  });

  it('gives plain values only when the owner grants them, and refuses another app’s use of a grant', async () => {
    const { body } = await apply({ plainValues: true, items: ['xm'] });
    const id = (body as { id: string }).id;
    expect((await decide(id, { approve: true, plainValues: true })).body).toMatchObject({ plainValues: true });
    expect((await invoke('data.item', { grantId: id, subjectId: citizen.sfzh, item: 'xm' })).body).toEqual({
      item: 'xm',
      itemValue: citizen.xm,
      masked: false,
    });
    expect((await invoke('data.exists', { grantId: id, subjectId: citizen.sfzh, match: { xm: citizen.xm } })).body).toEqual({
      exists: true,
    });
    expect((await invoke('data.exists', { grantId: id, subjectId: citizen.sfzh, match: { xm: '别人' } })).body).toEqual({ exists: false });
    const other = await registerGrantedApp(dispatch.url, `other-${randomUUID().slice(0, 8)}`, ['data.item']);
    const stolen = await invoke('data.item', { grantId: id, subjectId: citizen.sfzh, item: 'xm' }, other.auth);
    expect(stolen).toMatchObject({ status: 403, body: { code: 'GRANT_NOT_USABLE' } });
    expect(JSON.stringify(stolen.body)).not.toContain(citizen.xm);
  });

  it('refuses reads after revocation and after expiry', async () => {
    const { body } = await apply();
    const id = (body as { id: string }).id;
    await decide(id, { approve: true });
    expect((await invoke('data.read', { grantId: id, subjectId: citizen.sfzh })).status).toBe(200);
    expect((await post(sharing(`/applications/${id}/revoke`), { department: '别的部门', reason: '不再需要' }, REVIEWER)).status).toBe(403);
    const revoked = await post(sharing(`/applications/${id}/revoke`), { department: OWNER, reason: '用途已完成' }, REVIEWER);
    expect(revoked.body).toMatchObject({ status: 'revoked', decisionReason: '用途已完成' });
    expect(await invoke('data.read', { grantId: id, subjectId: citizen.sfzh })).toMatchObject({
      status: 403,
      body: { code: 'GRANT_NOT_USABLE' },
    });

    const second = (await apply()).body as { id: string };
    await decide(second.id, { approve: true });
    await sql(`UPDATE $schema.data_share SET valid_until = now() - interval '1 minute' WHERE id = $1`, [second.id]);
    expect(await invoke('data.read', { grantId: second.id, subjectId: citizen.sfzh })).toMatchObject({
      status: 403,
      body: { code: 'GRANT_NOT_USABLE' },
    });
    const swept = await post(sharing('/deadlines/sweep'), {}, INTERNAL);
    expect((swept.body as { expired: number }).expired).toBeGreaterThanOrEqual(1);
    expect((await getJson(sharing(`/applications/${second.id}`), INTERNAL)).body).toMatchObject({ status: 'expired' });
  });

  it('escalates an application the owner did not answer in time, refuses the late decision, and says so on Kafka', async () => {
    const kafka = new Kafka({ clientId: 'e2e-sharing', brokers: process.env['KAFKA_BROKERS']!.split(','), logLevel: logLevel.NOTHING });
    const seen: { applicationId: string; change: string }[] = [];
    const consumer = kafka.consumer({ groupId: `e2e-sharing-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: wireTopicOf(Topic.DataSharingChanged), fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(JSON.parse(message.value!.toString())) });

    const late = (await apply()).body as { id: string };
    await sql(`UPDATE $schema.data_share SET due_on = (now() AT TIME ZONE 'Asia/Shanghai')::date - 1 WHERE id = $1`, [late.id]);
    expect(await decide(late.id, { approve: true })).toMatchObject({ status: 409, body: { code: 'DECISION_OVERDUE' } });
    const soon = (await apply()).body as { id: string };
    await sql(`UPDATE $schema.data_share SET due_on = (now() AT TIME ZONE 'Asia/Shanghai')::date + 1 WHERE id = $1`, [soon.id]);
    // The background sweep (every minute) may get there first: the state and the events are what count.
    expect((await post(sharing('/deadlines/sweep'), {}, INTERNAL)).status).toBe(200);
    expect((await getJson(sharing(`/applications/${late.id}`), INTERNAL)).body).toMatchObject({ status: 'escalated' });
    await eventually(
      async () =>
        seen.some((e) => e.applicationId === late.id && e.change === 'escalated') &&
        seen.some((e) => e.applicationId === soon.id && e.change === 'reminded')
          ? true
          : null,
      30_000,
    );
    expect(seen.filter((e) => e.applicationId === late.id).map((e) => e.change)).toEqual(['applied', 'escalated']);
    // A second sweep reminds nobody twice.
    await post(sharing('/deadlines/sweep'), {}, INTERNAL);
    await new Promise((r) => setTimeout(r, 500));
    expect(seen.filter((e) => e.applicationId === soon.id && e.change === 'reminded')).toHaveLength(1);
    await consumer.disconnect();
  });

  it('approves an unconditional resource at once, refuses a not-shared one with its reason', async () => {
    const open = await apply({ resourceCode: 'JS-SJ-FR-0001', items: ['mc', 'fddbr'] });
    expect(open.body).toMatchObject({ status: 'approved', decidedBy: 'catalogue', dueOn: null });
    // Plain values are the owner's to grant, even for an unconditional resource: the application waits for it.
    const plain = await apply({ resourceCode: 'JS-SJ-FR-0001', items: ['mc', 'fddbr'], plainValues: true });
    expect(plain.body).toMatchObject({ status: 'pending', plainValues: false, dueOn: expect.any(String) });
    const put = await fetch(`${data.url}/internal/v1/data/resources/TEST-SECRET-1`, {
      method: 'PUT',
      headers: { ...INTERNAL, 'x-caller': 'ops', 'content-type': 'application/json' },
      body: JSON.stringify({
        name: '涉密资源',
        classification: 'department',
        providerDepartment: '某局',
        abstract: '不予共享的资源',
        format: 'table',
        updateCycle: 'yearly',
        sharingType: 'none',
        sharingCondition: '依《保守国家秘密法》不予共享',
        openAttribute: 'not_open',
        subjectType: 'other',
        keyItem: 'bh',
        items: [{ code: 'bh', name: '编号', type: 'string', grade: 'core', personal: 'none', required: true }],
      }),
    });
    expect(put.status).toBe(200);
    const refused = await apply({ resourceCode: 'TEST-SECRET-1', items: ['bh'] });
    expect(refused.body).toMatchObject({ status: 'refused' });
    expect((refused.body as { decisionReason: string }).decisionReason).toContain('保守国家秘密法');
  });

  it('lists granted items never read in N days (least privilege)', async () => {
    const { body } = await apply({ items: ['xm', 'hjdz', 'csrq'] });
    const id = (body as { id: string }).id;
    await decide(id, { approve: true });
    await invoke('data.item', { grantId: id, subjectId: citizen.sfzh, item: 'xm' });
    const report = await getJson(sharing('/unused-items?days=30'), INTERNAL);
    const mine = (report.body as { grants: { grantId: string; unusedItems: string[] }[] }).grants.find((g) => g.grantId === id);
    expect(mine?.unusedItems.sort()).toEqual(['csrq', 'hjdz']);
  });

  it('prefills a form’s data elements from the app’s grants, with provenance and lock, and says why the rest are not filled', async () => {
    const { body } = await apply({ items: ['sfzh', 'xm', 'hjdz'], plainValues: true });
    const id = (body as { id: string }).id;
    await decide(id, { approve: true, plainValues: true });
    const prefill = await invoke(
      'data.prefill',
      { subjectId: citizen.sfzh, dataElements: ['DE00002', 'DE00006', 'DE00005', 'DE99999', 'DE00002'] },
      { 'x-case-id': 'CASE-2026-0042' },
    );
    expect(prefill.status).toBe(200);
    const answer = prefill.body as {
      fields: { dataElement: string; fieldValue: unknown; masked: boolean; locked: boolean; provenance: object }[];
      refused: object[];
    };
    expect(answer.fields).toEqual([
      {
        dataElement: 'DE00002',
        fieldValue: citizen.xm,
        masked: false,
        locked: true,
        provenance: {
          resourceCode: POP,
          resourceName: expect.stringContaining('人口基本信息'),
          department: OWNER,
          updatedAt: '2026-12-01T01:00:00.000Z',
          verified: true,
        },
      },
      expect.objectContaining({ dataElement: 'DE00006', fieldValue: citizen.hjdz, masked: false }),
    ]);
    // 民族 (DE00005) is an item of the resource but not granted to this app by any grant; DE99999 is nobody's.
    expect(answer.refused).toEqual([
      { dataElement: 'DE00005', reason: 'NO_GRANT' },
      { dataElement: 'DE99999', reason: 'NO_GRANT' },
    ]);
    const stranger = generateCitizenId({ regionCode: '320102', birthDate: '1971-03-03', sequence: 9 });
    const none = await invoke('data.prefill', { subjectId: stranger, dataElements: ['DE00002'] });
    expect(none.body).toEqual({ fields: [], refused: [{ dataElement: 'DE00002', reason: 'NO_RECORD' }] });
    const log = await usage();
    expect(log.records).toEqual(
      expect.arrayContaining([expect.objectContaining({ caseId: 'CASE-2026-0042', outcome: 'READ', resource: POP })]),
    );
    expect(await invoke('data.prefill', { subjectId: citizen.sfzh, dataElements: ['xm'] })).toMatchObject({ status: 400 });
    expect(await invoke('data.prefill', { subjectId: citizen.sfzh, dataElements: [] })).toMatchObject({ status: 400 });
  });

  it('tags a family with a newborn when the birth certificate arrives (TagGained on Kafka), after a dry-run; refuses rules that do not compile', async () => {
    const tags = (path: string) => `${data.url}/internal/v1/data/tags${path}`;
    const OPS = { ...INTERNAL, 'x-caller': 'ops@tags' };
    const rule = `'JS-WJ-CS-0001' in profile.mentions && profile.mentions['JS-WJ-CS-0001'].exists(b, timestamp(b.cssj) > timestamp(now) - duration('8760h'))`;
    const kafka = new Kafka({ clientId: 'e2e-tags', brokers: process.env['KAFKA_BROKERS']!.split(','), logLevel: logLevel.NOTHING });
    const seen: { tagCode: string; subjectKey: string; change: string; version: number }[] = [];
    const consumer = kafka.consumer({ groupId: `e2e-tags-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: wireTopicOf(Topic.DataTagChanged), fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(JSON.parse(message.value!.toString())) });

    // Who runs a rule over everyone's data is named (X-Caller) and in each scanned subject's log.
    expect((await post(tags('/e2e-newborn/dry-run'), { name: '新生儿家庭', rule }, INTERNAL)).body).toMatchObject({
      status: 400,
      code: 'CALLER_REQUIRED',
    });
    const dry = await post(tags('/e2e-newborn/dry-run'), { name: '新生儿家庭', rule }, OPS);
    // The demo family (SEED_DEMO: 王五 and 李四, a newborn a week old) already matches; the citizen has no birth yet.
    expect(dry).toMatchObject({ status: 200, body: { matches: 2, added: 2, removed: 0 } });
    const published = await putJson(tags('/e2e-newborn'), { name: '新生儿家庭', rule }, OPS);
    expect(published).toMatchObject({ status: 200, body: { version: 1, changed: true, added: 2 } });
    expect((await getJson(tags(`/e2e-newborn/members/${citizen.sfzh}`), INTERNAL)).body).toMatchObject({ member: false });
    const motherKey = subjectKeyOf(citizen.sfzh, TEST_SUBJECT_KEY_SECRET);

    const born = new Date(Date.now() - 5 * 86_400_000);
    const birth = await post(
      `${data.url}/internal/v1/data/resources/JS-WJ-CS-0001/records`,
      {
        department: '省卫生健康委员会',
        records: [
          {
            updatedAt: new Date().toISOString(),
            record: {
              zmbh: 'Q320000317',
              xsexm: '周小宝',
              xb: '1',
              cssj: born.toISOString(),
              mqsfzh: citizen.sfzh,
              qfrq: new Date().toISOString().slice(0, 10),
            },
          },
        ],
      },
      FEED,
    );
    expect(birth.body).toMatchObject({ stored: 1, quarantined: [] });
    expect((await getJson(tags(`/e2e-newborn/members/${citizen.sfzh}`), INTERNAL)).body).toMatchObject({ member: true, version: 1 });
    await eventually(
      async () => (seen.some((e) => e.tagCode === 'e2e-newborn' && e.subjectKey === motherKey && e.change === 'gained') ? true : null),
      30_000,
    );
    expect(JSON.stringify(seen)).not.toContain(citizen.sfzh);

    // A stricter rule, dry-run first: the mother would be removed; publishing it says so (TagLost).
    const stricter = rule.replace("'8760h'", "'24h'");
    expect((await post(tags('/e2e-newborn/dry-run'), { name: '新生儿家庭', rule: stricter }, OPS)).body).toMatchObject({
      matches: 0,
      removed: 3,
    });
    expect((await putJson(tags('/e2e-newborn'), { name: '新生儿家庭', rule: stricter }, OPS)).body).toMatchObject({
      version: 2,
      removed: 3,
    });
    await eventually(
      async () => (seen.some((e) => e.subjectKey === motherKey && e.change === 'lost' && e.version === 2) ? true : null),
      30_000,
    );
    expect((await getJson(tags(`/e2e-newborn/members/${citizen.sfzh}`), INTERNAL)).body).toMatchObject({ member: false, version: 2 });
    await consumer.disconnect();

    expect(await putJson(tags('/broken'), { name: 'x', rule: 'profile.records[' }, OPS)).toMatchObject({
      status: 422,
      body: { code: 'RULE_INVALID' },
    });
    expect(await putJson(tags('/broken'), { name: 'x', rule: '1 + 1' }, OPS)).toMatchObject({
      status: 422,
      body: { code: 'RULE_INVALID' },
    });
    expect(await putJson(tags('/Bad_Code'), { name: 'x', rule: 'true' }, OPS)).toMatchObject({
      status: 400,
      body: { code: 'TAG_CODE_INVALID' },
    });
    expect(await putJson(tags('/long'), { name: 'x', rule: 'true || '.repeat(400) + 'true' }, OPS)).toMatchObject({ status: 400 });
    expect((await getJson(tags('/no-such-tag'), INTERNAL)).status).toBe(404);
  });

  it('shows the signed-in citizen who read their data (read and refused, app, purpose, case, basis); only with their own token', async () => {
    const person = { sfzh: DEMO_PERSON.idNumber, xm: DEMO_PERSON.name, xb: '2', csrq: '1949-12-31', hjzt: 'normal' };
    await post(
      `${data.url}/internal/v1/data/resources/${POP}/records`,
      { department: OWNER, records: [{ updatedAt: '2026-12-01T09:00:00+08:00', record: person }] },
      FEED,
    );
    const { body } = await apply();
    const id = (body as { id: string }).id;
    await decide(id, { approve: true });
    expect((await invoke('data.read', { grantId: id, subjectId: person.sfzh }, { 'x-case-id': 'CASE-2026-0777' })).status).toBe(200);
    expect((await invoke('data.item', { grantId: id, subjectId: person.sfzh, item: 'mz' })).status).toBe(403);

    const token = (
      await new OidcFlows(issuer).signIn(
        { username: DEMO_PERSON.idNumber, password: DEMO_PERSON.password },
        { scope: 'openid capabilities:invoke' },
      )
    ).token!;
    const mine = await post(`${dispatch.url}/v1/capabilities/data.my-usage/invoke`, {}, { authorization: `Bearer ${token}` });
    expect(mine.status).toBe(200);
    const records = (
      mine.body as {
        records: {
          resource: string;
          app: string;
          outcome: string;
          caseId?: string;
          purpose?: string;
          legalBasis?: string;
          legalBasisTitle?: string;
        }[];
      }
    ).records;
    expect(records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          resource: POP,
          app: 'demo-portal',
          outcome: 'READ',
          caseId: 'CASE-2026-0777',
          purpose: '新生儿出生一件事',
          legalBasis: `grant:${id}`,
          legalBasisTitle: '《江苏省政务数据管理办法》第二十条',
        }),
        expect.objectContaining({ resource: POP, app: 'demo-portal', outcome: 'REFUSED' }),
      ]),
    );
    // Only this person's: the other citizen's reads are not in it.
    expect(records.every((r) => r.caseId !== 'CASE-2026-0001')).toBe(true);

    // An app cannot read anyone's log, not even by naming the person.
    expect(await invoke('data.my-usage', {})).toMatchObject({ status: 403, body: { code: 'NOT_SIGNED_IN' } });
    expect(await invoke('data.my-usage', {}, { 'x-end-user': DEMO_PERSON.idNumber })).toMatchObject({
      status: 403,
      body: { code: 'NOT_SIGNED_IN' },
    });
    expect(
      (await post(`${dispatch.url}/v1/capabilities/data.my-usage/invoke`, { limit: 0 }, { authorization: `Bearer ${token}` })).status,
    ).toBe(400);
    expect(
      (await post(`${dispatch.url}/v1/capabilities/data.my-usage/invoke`, { subjectId: person.sfzh }, { authorization: `Bearer ${token}` }))
        .status,
    ).toBe(400);
  });

  it('keeps reads under a grant whose owner approved concealing them out of the citizen’s log until their time; names the department and the processing', async () => {
    const person = { sfzh: DEMO_PERSON.idNumber, xm: DEMO_PERSON.name, xb: '2', csrq: '1949-12-31', hjzt: 'normal' };
    await post(
      `${data.url}/internal/v1/data/resources/${POP}/records`,
      { department: OWNER, records: [{ updatedAt: '2026-12-01T09:00:00+08:00', record: person }] },
      FEED,
    );
    const hidden = (await apply({ hideReadsDays: 30, hideReason: '刑事侦查需要，暂不告知 (an investigation)' })).body as {
      id: string;
      status: string;
      hideReadsDays: number;
    };
    expect(hidden).toMatchObject({ status: 'pending', hideReadsDays: 30 });
    // Concealment is approved explicitly: an approval without hideReads grants the reads visible.
    const plain = (await apply({ hideReadsDays: 30, hideReason: '刑事侦查需要，暂不告知 (an investigation)' })).body as { id: string };
    expect(await decide(plain.id, { approve: true })).toMatchObject({ status: 200, body: { hideReadsDays: null, hideReason: null } });
    expect(await decide(hidden.id, { approve: true, reason: '经审查同意暂不告知', hideReads: true })).toMatchObject({
      status: 200,
      body: { hideReadsDays: 30 },
    });
    const open = (await apply()).body as { id: string };
    await decide(open.id, { approve: true });
    expect((await invoke('data.read', { grantId: hidden.id, subjectId: person.sfzh })).status).toBe(200);
    expect((await invoke('data.read', { grantId: open.id, subjectId: person.sfzh })).status).toBe(200);

    const token = (
      await new OidcFlows(issuer).signIn(
        { username: DEMO_PERSON.idNumber, password: DEMO_PERSON.password },
        { scope: 'openid capabilities:invoke' },
      )
    ).token!;
    const mine = await post(`${dispatch.url}/v1/capabilities/data.my-usage/invoke`, { limit: 500 }, { authorization: `Bearer ${token}` });
    const records = (mine.body as { records: { legalBasis?: string; department?: string; processing?: string }[] }).records;
    expect(records.some((r) => r.legalBasis === `grant:${hidden.id}`)).toBe(false);
    expect(records).toContainEqual(
      expect.objectContaining({ legalBasis: `grant:${open.id}`, department: APPLICANT, processing: 'data-read' }),
    );
    // It is in the log all along, hidden until 30 days from the read, with its reason (and sealed like the rest).
    const [row] = (await sql(`SELECT hidden_until, hidden_reason FROM $schema.data_access_record WHERE legal_basis = $1`, [
      `grant:${hidden.id}`,
    ])) as { hidden_until: Date; hidden_reason: string }[];
    expect(row!.hidden_reason).toContain('刑事侦查');
    expect(Math.abs(row!.hidden_until.getTime() - (Date.now() + 30 * 86_400_000))).toBeLessThan(120_000);
    // The internal search leaves it out too, unless an auditor asks for hidden reads.
    const search = (includeHidden: boolean) =>
      post(
        `${data.url}/internal/v1/data-access/records/search`,
        { holderType: 'person', holderId: person.sfzh, limit: 500, includeHidden },
        INTERNAL,
      );
    const basisOf = (r: { body: unknown }) => (r.body as { records: { legalBasis: string | null }[] }).records.map((x) => x.legalBasis);
    expect(basisOf(await search(false))).not.toContain(`grant:${hidden.id}`);
    expect(basisOf(await search(true))).toContain(`grant:${hidden.id}`);
  });

  it('asks the owner even for an unconditional resource when the reads are to be hidden', async () => {
    const divisions = await apply({ resourceCode: 'JS-MZ-QH-0001', items: ['qhdm', 'mc'], hideReadsDays: 10, hideReason: '专项核查需要' });
    expect(divisions).toMatchObject({ status: 201, body: { status: 'pending', ownerDepartment: '省民政厅' } });
    expect((await apply({ resourceCode: 'JS-MZ-QH-0001', items: ['qhdm', 'mc'] })).body).toMatchObject({ status: 'approved' });
  });

  it('takes a disputed prefilled value to the owning department as a correction request, marks it disputed in prefill until answered', async () => {
    const person = {
      sfzh: DEMO_PERSON.idNumber,
      xm: DEMO_PERSON.name,
      xb: '2',
      csrq: '1949-12-31',
      hjdz: '南京市鼓楼区中山路1号',
      hjzt: 'normal',
    };
    await post(
      `${data.url}/internal/v1/data/resources/${POP}/records`,
      { department: OWNER, records: [{ updatedAt: '2026-12-03T09:00:00+08:00', record: person }] },
      FEED,
    );
    const token = (
      await new OidcFlows(issuer).signIn(
        { username: DEMO_PERSON.idNumber, password: DEMO_PERSON.password },
        { scope: 'openid capabilities:invoke' },
      )
    ).token!;
    const dispute = (input: object, headers: Record<string, string> = { authorization: `Bearer ${token}` }) =>
      post(`${dispatch.url}/v1/capabilities/data.dispute/invoke`, input, {
        'x-purpose': encodeURIComponent('新生儿出生一件事'),
        ...headers,
      });
    const wrongAddress = {
      resourceCode: POP,
      dataElement: 'DE00006',
      proposedValue: '南京市玄武区珠江路8号',
      reason: '已迁入新址，户籍地址未更新',
    };
    const filed = await dispute(wrongAddress);
    expect(filed).toMatchObject({ status: 200, body: { status: 'open', item: 'hjdz', ownerDepartment: OWNER, existing: false } });
    const id = (filed.body as { id: string }).id;
    // Disputed again while open: the same request.
    expect((await dispute({ ...wrongAddress, reason: '再次提交同一问题' })).body).toMatchObject({ id, existing: true });
    // Only the signed-in person, about their own data; the element must be the resource's.
    expect(await dispute(wrongAddress, {})).toMatchObject({ status: 403, body: { code: 'NOT_SIGNED_IN' } });
    expect(await dispute({ ...wrongAddress, dataElement: 'DE99999' })).toMatchObject({
      status: 422,
      body: { code: 'ELEMENT_NOT_IN_RESOURCE' },
    });
    expect(await dispute({ ...wrongAddress, resourceCode: 'NO-SUCH' })).toMatchObject({
      status: 404,
      body: { code: 'RESOURCE_NOT_FOUND' },
    });
    expect(await dispute({ ...wrongAddress, subjectId: citizen.sfzh })).toMatchObject({ status: 400 });
    expect(await dispute({ ...wrongAddress, reason: '' })).toMatchObject({ status: 400 });

    // Prefill marks the element disputed (the value stands until the department answers).
    const grant = (await apply({ items: ['xm', 'hjdz'] })).body as { id: string };
    await decide(grant.id, { approve: true });
    const prefilled = async () =>
      (
        (await invoke('data.prefill', { subjectId: person.sfzh, dataElements: ['DE00002', 'DE00006'] })).body as {
          fields: { dataElement: string; disputed?: boolean; locked: boolean }[];
        }
      ).fields;
    expect(await prefilled()).toEqual([
      expect.not.objectContaining({ disputed: true }),
      expect.objectContaining({ dataElement: 'DE00006', disputed: true, locked: true }),
    ]);

    // The owner department sees it with the subject as it can recognise them and the stored value; answers once.
    const CORRECTIONS = `${data.url}/internal/v1/data/corrections`;
    const listed = await getJson(`${CORRECTIONS}?department=${encodeURIComponent(OWNER)}&status=open`, INTERNAL);
    expect((listed.body as { corrections: object[] }).corrections).toContainEqual(
      expect.objectContaining({
        id,
        subjectMasked: '110105********002X',
        currentValue: person.hjdz,
        proposedValue: wrongAddress.proposedValue,
      }),
    );
    const answer = (body: object) => post(`${CORRECTIONS}/${id}/decision`, body, REVIEWER);
    expect(await answer({ department: APPLICANT, accept: true, reason: '核实' })).toMatchObject({
      status: 403,
      body: { code: 'NOT_THE_OWNER' },
    });
    expect(await answer({ department: OWNER, accept: true })).toMatchObject({ status: 400 });
    expect(await answer({ department: OWNER, accept: true, reason: '已核实，将更新户籍地址' })).toMatchObject({
      status: 200,
      body: { status: 'accepted', decidedBy: 'reviewer@owner' },
    });
    expect(await answer({ department: OWNER, accept: false, reason: '重复答复' })).toMatchObject({
      status: 409,
      body: { code: 'ALREADY_DECIDED' },
    });
    expect(
      await post(`${CORRECTIONS}/${randomUUID()}/decision`, { department: OWNER, accept: true, reason: '核实' }, REVIEWER),
    ).toMatchObject({
      status: 404,
    });
    expect(await getJson(`${CORRECTIONS}?status=open`, INTERNAL)).toMatchObject({ status: 400 });
    expect((await prefilled()).some((f) => f.disputed)).toBe(false);
  });

  it('shows a company’s log to its current agent authorised for data:usage, and to nobody else', async () => {
    const company = DEMO_COMPANIES[1]!;
    await post(
      `${data.url}/internal/v1/data/resources/JS-SJ-FR-0001/records`,
      {
        department: '江苏省市场监督管理局',
        records: [
          { updatedAt: '2026-12-02T09:00:00+08:00', record: { tyshxydm: company.id, mc: company.name, fddbr: '王五', clrq: '2021-09-01' } },
        ],
      },
      FEED,
    );
    const grant = (await apply({ resourceCode: 'JS-SJ-FR-0001', items: ['mc', 'fddbr'] })).body as { id: string; status: string };
    expect(grant.status).toBe('approved');
    expect((await invoke('data.read', { grantId: grant.id, subjectId: company.id })).status).toBe(200);
    const token = (
      await new OidcFlows(issuer).signIn(
        { username: DEMO_PERSON.idNumber, password: DEMO_PERSON.password },
        { scope: 'openid capabilities:invoke' },
      )
    ).token!;
    const companyLog = () =>
      post(`${dispatch.url}/v1/capabilities/data.my-usage/invoke`, { company: company.id }, { authorization: `Bearer ${token}` });
    // Not (yet) its agent for data:usage: refused.
    expect(await companyLog()).toMatchObject({ status: 403, body: { code: 'NOT_AN_AGENT' } });
    await authoriseAgent(tech, company.id, DEMO_PERSON.idNumber, ['data:usage']);
    const log = await companyLog();
    expect(log.status).toBe(200);
    expect((log.body as { records: { legalBasis?: string; processing?: string }[] }).records).toContainEqual(
      expect.objectContaining({ legalBasis: `grant:${grant.id}`, processing: 'data-read', department: APPLICANT }),
    );
    // The person's own log does not hold the company's reads; a malformed credit code is a 400.
    const own = await post(`${dispatch.url}/v1/capabilities/data.my-usage/invoke`, { limit: 500 }, { authorization: `Bearer ${token}` });
    expect((own.body as { records: { legalBasis?: string }[] }).records.some((r) => r.legalBasis === `grant:${grant.id}`)).toBe(false);
    expect(
      (
        await post(
          `${dispatch.url}/v1/capabilities/data.my-usage/invoke`,
          { company: '91320100MA1XK2Q8X' },
          { authorization: `Bearer ${token}` },
        )
      ).status,
    ).toBe(400);
    // Another company the person is not an agent of (for data:usage): refused.
    expect(
      await post(
        `${dispatch.url}/v1/capabilities/data.my-usage/invoke`,
        { company: DEMO_COMPANIES[0]!.id },
        { authorization: `Bearer ${token}` },
      ),
    ).toMatchObject({ status: 403, body: { code: 'NOT_AN_AGENT' } });
  });

  it.each([
    ['unknown items', { items: ['xm', 'nope'] }, 422, 'ITEMS_NOT_IN_RESOURCE'],
    ['an unknown resource', { resourceCode: 'NO-SUCH' }, 404, 'RESOURCE_NOT_FOUND'],
    ['no purpose', { purpose: '' }, 400, 'INVALID_INPUT'],
    ['a duration of 0 days', { validDays: 0 }, 400, 'INVALID_INPUT'],
    ['an unknown field', { extra: 1 }, 400, 'INVALID_INPUT'],
    ['hidden reads without a reason', { hideReadsDays: 30 }, 400, 'INVALID_INPUT'],
    ['a reason to hide without the days', { hideReason: '刑事侦查需要' }, 400, 'INVALID_INPUT'],
    ['hidden reads for 0 days', { hideReadsDays: 0, hideReason: '刑事侦查需要' }, 400, 'INVALID_INPUT'],
    ['hidden reads for 731 days', { hideReadsDays: 731, hideReason: '刑事侦查需要' }, 400, 'INVALID_INPUT'],
  ])('refuses an application with %s', async (_what, patch, status, code) => {
    expect(await apply(patch)).toMatchObject({ status, body: { code } });
  });

  it.each([
    ['data.read', { grantId: 'not-a-uuid', subjectId: '1' }, 400],
    ['data.read', { grantId: randomUUID(), subjectId: '1' }, 403],
    ['data.read', { grantId: randomUUID(), subjectId: '1 OR 1=1' }, 400],
    ['data.item', { grantId: randomUUID(), subjectId: '1', item: 'Bad-Item' }, 400],
    ['data.exists', { grantId: randomUUID(), subjectId: '1', match: 'x' }, 400],
  ])('refuses a malformed %s call with a 4xx', async (code, input, status) => {
    expect((await invoke(code, input)).status).toBe(status);
  });

  it('refuses decisions on unknown or malformed applications', async () => {
    expect((await decide(randomUUID(), { approve: true })).status).toBe(404);
    expect((await decide('abc', { approve: true })).status).toBe(404);
    expect((await getJson(sharing('/unused-items?days=0'), INTERNAL)).status).toBe(400);
    expect((await getJson(sharing('/applications?status=lost'), INTERNAL)).status).toBe(400);
  });

  it('seals "who used my data" into an SM3 chain that verifies, and names the first link a change breaks', async () => {
    const verify = async () =>
      (await getJson(`${data.url}/internal/v1/data-access/verify`, INTERNAL)).body as {
        sealed: number;
        unsealed: number;
        valid: boolean;
        brokenAtSeq: string | null;
      };
    const intact = await verify();
    expect(intact).toMatchObject({ valid: true, unsealed: 0, brokenAtSeq: null });
    expect(intact.sealed).toBeGreaterThan(10);
    // Someone edits a sealed record in the database: the chain breaks there.
    await sql(`UPDATE $schema.data_access_record SET purpose = 'changed' WHERE seq = 3`);
    expect(await verify()).toMatchObject({ valid: false, brokenAtSeq: '3' });
  });
});
