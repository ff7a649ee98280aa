import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { subjectKeyOf, Topic, wireTopicOf } from '@gmp/contracts';
import { businessPlatformService, FollowUpOffers } from '@gmp/feature-business';
import { dataPlatformService } from '@gmp/feature-data';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { DEMO_CASE_OFFICER, DEMO_PERSON, techCapabilitiesService } from '@gmp/feature-tech';
import { DEMO_CITIZENS, DEMO_COMPANIES, generateCitizenId } from '@gmp/gov-standards';
import { AccountsService } from '@gmp/tech-identity';
import { type RunningService, startService } from '@gmp/service-kit';
import { eventually, inOwnSchema, integrationEnv, TEST_SUBJECT_KEY_SECRET } from '@gmp/testing';
import { getJson, INTERNAL, post, putJson } from './dispatch-client.js';
import { api, OidcFlows } from './oidc-flows.js';
import { freePort } from './service-process.js';
import { authoriseAgent, provisionStaff } from './staff-accounts.js';

type Field = { id: string; type: string; codeList?: string[] };
type MyCase = {
  caseNo: string;
  bundleName: string;
  status: string;
  todo: string[];
  parts: { matterCode: string; status: string; department: string }[];
  timeline: Record<string, unknown>[];
};

const WJW = '南京市卫生健康委员会';
/** 出生医学证明 (卫健委's part of 新生儿出生). */
const BIRTH = '11320100MB1234567X4000001000';

/**
 * 我的办件 over real Kafka and PostgreSQL, through dispatch with the citizen's own token: the
 * person lists and reads their cases (whose they are comes from identity, never from the input),
 * withdraws one in progress — its undecided parts stopped and their departments told — and sees
 * nobody else's; without their own token nothing is answered.
 */
describe('business platform: the applicant’s side (我的办件) through dispatch', () => {
  let tech: RunningService;
  let data: RunningService;
  let business: RunningService;
  let dispatch: RunningService;
  let token: string;
  let officer: string;
  let flows: OidcFlows;
  const WINDOW = { ...INTERNAL, 'x-caller': 'window@maternity-hospital' };
  const internal = (path: string) => `${business.url}/internal/v1/business${path}`;
  const other = { id: generateCitizenId({ regionCode: '320102', birthDate: '1993-02-03', sequence: 41 }), name: '孙七' };
  const me = { id: DEMO_PERSON.idNumber, name: DEMO_PERSON.name };
  const mine = (code: string, input: object, bearer: string | null = token) =>
    post(`${dispatch.url}/v1/capabilities/${code}/invoke`, input, bearer ? { authorization: `Bearer ${bearer}` } : {});
  /** A staff account in `department` with `roles`, signed in. */
  const provision = (username: string, department: string, roles: string[]) => provisionStaff(tech, flows, username, department, roles);
  /** A rating reviewer of 南京市 (rating:review, the city and below). */
  const provisionReviewer = () => provision('nj-rating-reviewer', '南京市', ['rating-reviewer']);
  const apply = async (
    applicant: { id: string; name: string },
    bundleCode = 'JS-YJS-XSECS',
    materials: object = {},
    extra: object = {},
  ) => {
    const plan = ((await getJson(internal(`/bundles/${bundleCode}`), INTERNAL)).body as { plan: { form: Field[] } }).plan;
    const values: Record<string, unknown> = {
      string: '测试值',
      number: 10,
      boolean: true,
      date: '2026-11-30',
      datetime: '2026-11-30T08:15:00+08:00',
      // A company's forms name people (its legal representative): the demo person.
      citizenId: /^\d{17}[\dX]$/.test(applicant.id) ? applicant.id : DEMO_PERSON.idNumber,
      phone: '13800138000',
    };
    const form = Object.fromEntries(plan.form.map((f) => [f.id, f.type === 'code' ? f.codeList?.[0] : values[f.type]]));
    const r = await post(internal('/applications'), { bundleCode, applicant, form, materials, ...extra }, WINDOW);
    if (r.status !== 201) throw new Error(`application refused: ${r.status} ${JSON.stringify(r.body)}`);
    return (r.body as { caseNo: string }).caseNo;
  };

  /** The back office, with a staff token. */
  const office = (path: string, bearer: string | null, body?: unknown) =>
    api(`${business.url}/v1/business/back-office${path}`, bearer, body === undefined ? {} : { body });
  /** 卫健委's officer accepts and approves a case's birth-certificate part (once it is in the to-do box). */
  const approveBirth = async (caseNo: string, reference: string) => {
    const part = await eventually(async () => {
      const todo = (await office('/parts?limit=100', officer)).body as { items: { partId: string; caseNo: string; matterCode: string }[] };
      return todo.items.find((i) => i.caseNo === caseNo && i.matterCode === BIRTH) ?? null;
    }, 30_000);
    await office(`/parts/${part.partId}/actions`, officer, { action: '受理' });
    return office(`/parts/${part.partId}/actions`, officer, { action: '办结', outputs: [{ code: 'BIRTH-CERT', reference }] });
  };
  /** 企业开办 for a company (its two materials handed in). */
  const applyForCompany = (company: { id: string; name: string }) =>
    apply(company, 'JS-YJS-QYKB', { ARTICLES: { fileId: 'a' }, PREMISES: { fileId: 'p' } });
  const dataDb = () => data.app.get(DataSource);
  const dataSchema = () => data.definition.schema;

  beforeAll(async () => {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}/oidc`;
    tech = await startService(inOwnSchema(techCapabilitiesService), integrationEnv({ PORT: String(port) }));
    data = await startService(inOwnSchema(dataPlatformService), integrationEnv());
    business = await startService(
      inOwnSchema(businessPlatformService),
      integrationEnv({
        OIDC_ISSUER: issuer,
        BUSINESS_SIMULATED_DEPARTMENTS: 'true',
        BUSINESS_SIMULATED_DELAY_MS: '0',
        BUSINESS_SIMULATED_EXCEPT: WJW,
      }),
    );
    dispatch = await startService(inOwnSchema(serviceDispatchService), integrationEnv({ OIDC_ISSUER: issuer }));
    await eventually(async () => {
      const listed = ((await getJson(internal('/bundles'), INTERNAL)).body as { bundles: unknown[] }).bundles;
      return listed.length === 4 ? listed : null;
    }, 60_000);
    flows = new OidcFlows(issuer);
    token = (
      await flows.signIn({ username: DEMO_PERSON.idNumber, password: DEMO_PERSON.password }, { scope: 'openid capabilities:invoke' })
    ).token!;
    officer = (await flows.signIn({ username: DEMO_CASE_OFFICER.username, password: DEMO_CASE_OFFICER.password })).token!;
  }, 240_000);

  afterAll(async () => {
    await dispatch?.close();
    await business?.close();
    await data?.close();
    await tech?.close();
  });

  it('lists and reads the signed-in person’s own cases only; another person’s case is not found; no own token, no answer', async () => {
    const first = await apply(me);
    const second = await apply(me);
    const theirs = await apply(other);
    const listed = await mine('case.mine', {});
    expect(listed.status).toBe(200);
    const cases = (listed.body as { cases: MyCase[] }).cases;
    expect(cases.map((c) => c.caseNo)).toEqual(expect.arrayContaining([first, second]));
    expect(cases.map((c) => c.caseNo)).not.toContain(theirs);
    expect(cases.find((c) => c.caseNo === first)).toMatchObject({ bundleName: '新生儿出生一件事', status: 'in-progress', todo: [] });
    // Newest first, paged.
    const page = (await mine('case.mine', { limit: 1 })).body as { cases: MyCase[]; more: boolean };
    expect(page).toMatchObject({ more: true, cases: [{ caseNo: second }] });

    const one = await mine('case.get-mine', { caseNo: first });
    expect(one.status).toBe(200);
    const view = one.body as MyCase & Record<string, unknown>;
    expect(view.parts).toHaveLength(8);
    expect(view.timeline[0]).toMatchObject({ kind: 'submitted' });
    // The applicant's view carries no form values, files or staff accounts: exactly these keys.
    expect(Object.keys(view).sort()).toEqual(
      [
        'acceptRegion',
        'bundleCode',
        'bundleName',
        'caseNo',
        'committedDueOn',
        'crossRegion',
        'deliveryRegion',
        'finishedAt',
        'parts',
        'status',
        'submittedAt',
        'timeline',
        'todo',
      ].sort(),
    );
    expect(view.timeline.every((e) => Object.keys(e).sort().join() === 'at,kind,matterCode,message')).toBe(true);

    expect((await mine('case.get-mine', { caseNo: theirs })).body).toMatchObject({ status: 404, code: 'CASE_NOT_FOUND' });
    expect((await mine('case.get-mine', { caseNo: 'YJS20990101999999' })).status).toBe(404);
    for (const input of [{ caseNo: 'x' }, {}, { caseNo: first, extra: 1 }]) expect((await mine('case.get-mine', input)).status).toBe(400);
    for (const input of [{ limit: 0 }, { limit: 101 }, { offset: -1 }, { limit: '5' }])
      expect((await mine('case.mine', input)).status).toBe(400);
    // An app without the person's token — even naming them — gets nothing.
    expect((await mine('case.mine', {}, null)).body).toMatchObject({ status: 403, code: 'NOT_SIGNED_IN' });
    // The person's real account id, as an app would copy it from a token it saw: still not signed in.
    const accountId = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string }).sub;
    expect(accountId).toMatch(/^[0-9a-f-]{36}$/);
    for (const endUser of [DEMO_PERSON.idNumber, accountId])
      expect(
        (await post(`${dispatch.url}/v1/capabilities/case.get-mine/invoke`, { caseNo: first }, { 'x-end-user': endUser })).body,
      ).toMatchObject({ status: 403, code: 'NOT_SIGNED_IN' });
  });

  it('withdraws a case in progress: undecided parts stopped, their departments told, gone from the back office; once; a settled case cannot be', async () => {
    const kafka = new Kafka({ clientId: 'e2e-withdraw', brokers: process.env['KAFKA_BROKERS']!.split(','), logLevel: logLevel.NOTHING });
    const seen: { caseNo: string; matterCode: string; department: string; reason: string }[] = [];
    const consumer = kafka.consumer({ groupId: `e2e-withdraw-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: wireTopicOf(Topic.BusinessPartWithdrawn), fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(JSON.parse(message.value!.toString())) });
    const caseNo = await apply(me);
    const theirs = await apply(other);
    // Wait until 卫健委's first part sits in its officer's to-do box.
    await eventually(async () => {
      const todo = (await api(`${business.url}/v1/business/back-office/parts?limit=100`, officer)).body as { items: { caseNo: string }[] };
      return todo.items.some((i) => i.caseNo === caseNo) ? true : null;
    }, 30_000);
    for (const input of [{ caseNo }, { caseNo, reason: 'x' }, { caseNo, reason: 'x'.repeat(501) }])
      expect((await mine('case.withdraw', input)).status).toBe(400);
    expect((await mine('case.withdraw', { caseNo: theirs, reason: '不办了' })).status).toBe(404);
    const withdrawn = await mine('case.withdraw', { caseNo, reason: '已在其他渠道办理' });
    expect(withdrawn.status).toBe(200);
    const view = withdrawn.body as MyCase;
    expect(view.status).toBe('withdrawn');
    expect(view.parts.every((p) => p.status === 'approved' || p.status === 'stopped')).toBe(true);
    expect(view.timeline.at(-1)).toMatchObject({ kind: 'withdrawn', message: expect.stringContaining('已在其他渠道办理') });
    expect((await mine('case.withdraw', { caseNo, reason: '再撤一次' })).body).toMatchObject({ status: 'withdrawn' }); // once
    // 卫健委's dispatched part is withdrawn on Kafka, for its department's system.
    const stopped = view.parts.filter((p) => p.status === 'stopped' && p.department === WJW).map((p) => p.matterCode);
    expect(stopped.length).toBeGreaterThanOrEqual(1);
    await eventually(async () => {
      const told = seen.filter((e) => e.caseNo === caseNo);
      return told.some((e) => stopped.includes(e.matterCode) && e.reason === '已在其他渠道办理' && e.department === WJW) ? told : null;
    }, 30_000);
    await consumer.disconnect();
    const db = business.app.get(DataSource);
    const schema = business.definition.schema;
    const todo = (await api(`${business.url}/v1/business/back-office/parts?limit=100`, officer)).body as { items: { caseNo: string }[] };
    expect(todo.items.some((i) => i.caseNo === caseNo)).toBe(false);
    expect((await getJson(internal(`/cases/${theirs}`), INTERNAL)).body).toMatchObject({ status: 'in-progress' });

    // A withdrawn case is not revived (a supplement handed in afterwards is refused) nor rated as a whole.
    expect(
      (await post(internal(`/cases/${caseNo}/supplements/MARRIAGE-CERT`), { fileId: 'late-file' }, WINDOW)).status,
    ).toBeGreaterThanOrEqual(404);
    expect((await mine('case.rate', { caseNo, score: 1 })).body).toMatchObject({ status: 409, code: 'NOT_SETTLED' });
    const settled = await apply(me);
    await db.query(`UPDATE "${schema}".biz_case SET status = 'completed' WHERE case_no = $1`, [settled]);
    expect((await mine('case.withdraw', { caseNo: settled, reason: '不办了' })).body).toMatchObject({ status: 409, code: 'CASE_SETTLED' });
  });

  it('跨域办: an application received in 苏州 for matters handled in 南京, the result delivered to 苏州 — 收件地, 办理地 and 送达地 on the case, its timeline and each department’s part on Kafka; unknown regions refused', async () => {
    const kafka = new Kafka({ clientId: 'e2e-regions', brokers: process.env['KAFKA_BROKERS']!.split(','), logLevel: logLevel.NOTHING });
    const seen: { meta: { sentAt: string }; caseNo: string; acceptRegion?: string; handlingRegion?: string; deliveryRegion?: string }[] =
      [];
    // Case numbers restart in each test schema: only this test's events count (the topic holds other suites' too).
    const since = new Date().toISOString();
    const consumer = kafka.consumer({ groupId: `e2e-regions-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: wireTopicOf(Topic.BusinessPartDispatched), fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(JSON.parse(message.value!.toString())) });
    try {
      const caseNo = await apply(me, 'JS-YJS-XSECS', {}, { acceptRegion: '320500', deliveryRegion: '320500' });
      const view = (await mine('case.get-mine', { caseNo })).body as Omit<MyCase, 'parts'> & {
        acceptRegion: unknown;
        deliveryRegion: unknown;
        crossRegion: boolean;
        parts: { handlingRegion: unknown }[];
      };
      expect(view).toMatchObject({
        acceptRegion: { code: '320500', name: '苏州市' },
        deliveryRegion: { code: '320500', name: '苏州市' },
        crossRegion: true,
      });
      expect(view.parts.every((p) => (p.handlingRegion as { code: string }).code === '320100')).toBe(true);
      expect(view.timeline[0]!['message']).toContain('跨域办：收件地 苏州市，办理地 南京市，送达地 苏州市');
      expect(view.timeline.find((e) => e['kind'] === 'dispatched')!['message']).toContain('办理地 南京市，跨域办');
      // The window's internal view says the same; each department's part carries the three regions on the wire.
      expect((await getJson(internal(`/cases/${caseNo}`), INTERNAL)).body).toMatchObject({
        regions: { accept: { code: '320500' }, delivery: { code: '320500' }, crossRegion: true },
      });
      const dispatched = await eventually(async () => {
        const mineSeen = seen.filter((e) => e.caseNo === caseNo && e.meta.sentAt >= since);
        return mineSeen.length > 0 ? mineSeen : null;
      }, 30_000);
      expect(dispatched.every((e) => e.acceptRegion === '320500' && e.handlingRegion === '320100' && e.deliveryRegion === '320500')).toBe(
        true,
      );

      // Received by the provincial node (the default 收件地) and handled in 南京, a city of the province: not 跨域.
      const home = await apply(me);
      const local = (await mine('case.get-mine', { caseNo: home })).body as {
        acceptRegion: unknown;
        crossRegion: boolean;
        timeline: { message: string }[];
      };
      expect(local).toMatchObject({ acceptRegion: { code: '320000', name: '江苏省' }, crossRegion: false });
      expect(local.timeline[0]!.message).not.toContain('跨域办');
      // Received in 南京, delivered to 上海 (跨省): cross-region by its delivery alone.
      const toShanghai = await apply(me, 'JS-YJS-XSECS', {}, { acceptRegion: '320100', deliveryRegion: '310000' });
      expect((await mine('case.get-mine', { caseNo: toShanghai })).body).toMatchObject({
        deliveryRegion: { code: '310000', name: '上海市' },
        crossRegion: true,
      });
    } finally {
      await consumer.disconnect();
    }
    // A code it does not know, or not a code at all.
    const plan = ((await getJson(internal('/bundles/JS-YJS-XSECS'), INTERNAL)).body as { plan: { form: Field[] } }).plan;
    const form = Object.fromEntries(plan.form.map((f) => [f.id, f.type === 'code' ? f.codeList?.[0] : '测试值']));
    const refused = await post(
      internal('/applications'),
      { bundleCode: 'JS-YJS-XSECS', applicant: me, form, acceptRegion: '999999' },
      WINDOW,
    );
    expect(refused.status).toBe(422);
    expect((refused.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain('acceptRegion');
    for (const bad of [{ acceptRegion: '3205' }, { deliveryRegion: 'suzhou' }, { acceptRegion: 320500 }])
      expect((await post(internal('/applications'), { bundleCode: 'JS-YJS-XSECS', applicant: me, form, ...bad }, WINDOW)).status).toBe(400);
  });

  it('好差评: the applicant rates a decided part or a settled case, once; a bad rating opens the department’s rectification, worked in the back office and reviewed', async () => {
    const VACCINATION = '11320100MB1234567X4000002000';
    const caseNo = await apply(me);
    // 卫健委's officer approves the birth certificate part.
    expect((await approveBirth(caseNo, 'Q1')).body).toMatchObject({ status: 'approved' });

    const rate = (input: object, bearer: string | null = token) => mine('case.rate', { caseNo, ...input }, bearer);
    expect((await rate({ matterCode: VACCINATION, score: 1 })).body).toMatchObject({ status: 409, code: 'NOT_SETTLED' });
    expect((await rate({ score: 1 })).body).toMatchObject({ status: 409, code: 'NOT_SETTLED' }); // the case is not settled
    for (const input of [
      { score: 0 },
      { score: 6 },
      { score: 2.5 },
      { score: '2' },
      { score: 2, reasons: ['x'.repeat(33)] },
      { score: 2, matterCode: 'x' },
    ])
      expect((await rate(input)).status).toBe(400);
    expect((await rate({ matterCode: '11320100MB1234567X4999999000', score: 2 })).body).toMatchObject({
      status: 404,
      code: 'PART_NOT_FOUND',
    });
    expect((await mine('case.rate', { caseNo: await apply(other), score: 2 })).status).toBe(404);
    expect((await rate({ matterCode: BIRTH, score: 2 }, null)).body).toMatchObject({ status: 403, code: 'NOT_SIGNED_IN' });
    const rated = await rate({ matterCode: BIRTH, score: 2, reasons: ['办理时间长', '办理时间长'], comment: '等了很久' });
    expect(rated.status).toBe(200);
    expect(rated.body).toMatchObject({ score: 2, rectification: { department: WJW, status: 'pending', dueOn: expect.any(String) } });
    expect((await rate({ matterCode: BIRTH, score: 5 })).body).toMatchObject({ status: 409, code: 'ALREADY_RATED' });

    // The department's rectification: in its officer's list (with the rating), worked step by step.
    const listed = (await office('/rectifications', officer)).body as {
      items: { id: string; caseNo: string; rating: { score: number } }[];
    };
    const task = listed.items.find((x) => x.caseNo === caseNo)!;
    expect(task).toMatchObject({ status: 'pending', overdue: false, rating: { score: 2, reasons: ['办理时间长'], comment: '等了很久' } });
    const step = (op: string, bearer: string | null, body: unknown = {}) => office(`/rectifications/${task.id}/${op}`, bearer, body);
    expect((await step('finish', officer, { note: '已优化' })).body).toMatchObject({ status: 409, code: 'WRONG_STEP' }); // not started
    expect((await step('start', officer)).body).toMatchObject({ status: 'in-progress' });
    expect((await step('extend', officer, { days: 11, reason: '需协调' })).status).toBe(400);
    expect((await step('extend', officer, { days: 3, reason: '需协调他部门' })).body).toMatchObject({ extendedDays: 3 });
    expect((await step('extend', officer, { days: 1, reason: '再延' })).body).toMatchObject({ status: 409, code: 'ALREADY_EXTENDED' });
    // A colleague who is also a rating reviewer asks — and may not review the request herself.
    const dual = await provision('wjw-dual', WJW, ['approver', 'rating-reviewer']);
    expect((await step('request', dual, { kind: 'invalid', reason: '评价与办理无关' })).body).toMatchObject({ status: 'review' });
    expect((await step('review', dual, { approve: true, note: '同意' })).body).toMatchObject({ status: 403, code: 'REVIEWER_REQUIRED' });
    expect((await step('request', officer, { kind: 'unrectifiable', reason: '再申请' })).status).toBe(409);
    // Only a reviewer decides a request; the officer may not, a citizen and anonymous callers see nothing.
    expect((await step('review', officer, { approve: true, note: '同意' })).body).toMatchObject({ status: 403, code: 'REVIEWER_REQUIRED' });
    expect((await office('/rectifications', token)).status).toBe(403);
    expect((await office('/rectifications', null)).status).toBe(401);
    expect((await office(`/rectifications/not-an-id/start`, officer, {})).status).toBe(404);
    const reviewer = await provisionReviewer();
    expect((await step('review', reviewer, { approve: false, note: '评价属实，继续整改' })).body).toMatchObject({ status: 'in-progress' });
    expect((await step('request', officer, { kind: 'unrectifiable', reason: '再申请' })).status).toBe(409); // once per rectification
    expect((await step('finish', officer, { note: '增设预约通道，压缩等待时间' })).body).toMatchObject({ status: 'rectified' });
    // Another department's staff see none of it — nor does a page past the end show anything.
    const police = await provision('ga-rater', '南京市公安局', ['acceptor', 'approver']);
    expect(((await office('/rectifications?box=all', police)).body as { items: unknown[] }).items).toEqual([]);
    expect((await step('start', police)).status).toBe(404);
    expect(((await office('/rectifications?box=all&offset=9999', officer)).body as { items: unknown[] }).items).toEqual([]);
    expect((await step('start', officer)).status).toBe(409);
    const timeline = ((await mine('case.get-mine', { caseNo })).body as MyCase).timeline.map((e) => e['kind']);
    expect(timeline.filter((k) => k === 'rated')).toHaveLength(1);
    // The rectification's working notes (requests, reviews) are the platform's: on the case's internal timeline, not the applicant's.
    expect(timeline.filter((k) => k === 'rectification')).toHaveLength(0);
    const internalKinds = ((await getJson(internal(`/cases/${caseNo}`), INTERNAL)).body as { timeline: { kind: string }[] }).timeline;
    // start, extend, request, review (sent back), finish — the refused attempts left nothing.
    expect(internalKinds.filter((e) => e.kind === 'rectification')).toHaveLength(5);

    // A settled case rated as a whole (well: no rectification); the rates per department.
    const settled = await apply(me);
    await business.app
      .get(DataSource)
      .query(`UPDATE "${business.definition.schema}".biz_case SET status = 'completed', finished_at = now() WHERE case_no = $1`, [settled]);
    expect((await mine('case.rate', { caseNo: settled, score: 5 })).body).toMatchObject({ score: 5, rectification: null });
    const settledBadly = await apply(me);
    await business.app
      .get(DataSource)
      .query(`UPDATE "${business.definition.schema}".biz_case SET status = 'completed', finished_at = now() WHERE case_no = $1`, [
        settledBadly,
      ]);
    expect((await mine('case.rate', { caseNo: settledBadly, score: 1, reasons: ['多次跑腿'] })).body).toMatchObject({
      rectification: { department: '南京市政务服务中心', status: 'pending' },
    });
    // The service centre sits in identity's tree (under 南京市): the city's reviewer sees its rectification.
    expect((await post(internal('/departments/sync'), {}, INTERNAL)).status).toBe(200);
    const cityItems = ((await office('/rectifications', reviewer)).body as { items: { caseNo: string; department: string }[] }).items;
    expect(cityItems).toEqual(
      expect.arrayContaining([expect.objectContaining({ caseNo: settledBadly, department: '南京市政务服务中心' })]),
    );
    const summary = (await getJson(internal('/ratings/summary?by=department'), INTERNAL)).body as {
      groups: { key: string; ratings: number; bad: number; rectified: number; average: number }[];
    };
    expect(summary.groups.find((g) => g.key === WJW)).toMatchObject({ ratings: 1, bad: 1, rectified: 1, average: 2 });
    expect(summary.groups.find((g) => g.key === '南京市政务服务中心')).toMatchObject({ ratings: 2, bad: 1, average: 3, open: 1 });
    for (const by of ['matter', 'bundle']) expect((await getJson(internal(`/ratings/summary?by=${by}`), INTERNAL)).status).toBe(200);
    expect((await getJson(internal('/ratings/summary?by=nothing'), INTERNAL)).status).toBe(400);
  });

  it('免申即享: a subject who gains a tag is offered its policies once — the demo family by the data platform’s own tag, a person through a tag event —, sees them with their own token, may object for good; losing the tag withdraws an offer not objected to', async () => {
    const db = business.app.get(DataSource);
    const schema = business.definition.schema;
    const offersOf = async (key: string) =>
      (await db.query(`SELECT policy_code, status, tag_version FROM "${schema}".biz_policy_offer WHERE subject_key = $1`, [key])) as {
        policy_code: string;
        status: string;
        tag_version: number;
      }[];
    const kafka = new Kafka({ clientId: 'e2e-policies', brokers: process.env['KAFKA_BROKERS']!.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const tagEvent = (subjectKey: string, change: 'gained' | 'lost', version = 3) => ({
      meta: { messageId: randomUUID(), correlationId: randomUUID(), app: 'data-platform', sentAt: new Date().toISOString() },
      tagCode: 'newborn-family',
      subjectKey,
      change,
      version,
      at: new Date().toISOString(),
    });
    const send = (...events: object[]) =>
      producer.send({
        topic: wireTopicOf(Topic.DataTagChanged),
        messages: events.map((e) => ({ key: (e as { subjectKey: string }).subjectKey, value: JSON.stringify(e) })),
      });
    try {
      const first = await mine('policy.mine', {});
      expect((first.body as { offers: unknown[] }).offers).toEqual([]);
      const myKey = subjectKeyOf(DEMO_PERSON.idNumber, TEST_SUBJECT_KEY_SECRET);
      // Twice (a redelivery): one offer of each policy on the tag — 育儿补贴 to apply for, 健康礼包 apply-free (its case opened once).
      await send(tagEvent(myKey, 'gained'), tagEvent(myKey, 'gained'));
      const offers = await eventually(async () => {
        const o = ((await mine('policy.mine', {})).body as { offers: Record<string, unknown>[] }).offers;
        return o.length === 2 && o.some((x) => x['caseNo']) ? o : null;
      }, 30_000);
      expect(offers).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            policyCode: 'JS-ZC-YEBT',
            status: 'offered',
            tagCode: 'newborn-family',
            tagVersion: 3,
            bundleCode: 'JS-YJS-XSECS',
            applyFree: false,
            caseNo: null,
          }),
          expect.objectContaining({
            policyCode: 'JS-ZC-JKLB',
            status: 'offered',
            applyFree: true,
            caseNo: expect.stringMatching(/^YJS\d{14}$/),
          }),
        ]),
      );
      expect(await offersOf(myKey)).toHaveLength(2);
      const kitCase = offers.find((o) => o['policyCode'] === 'JS-ZC-JKLB')!['caseNo'] as string;
      expect(((await mine('case.mine', {})).body as { cases: MyCase[] }).cases.filter((c) => c.bundleName.includes('健康礼包'))).toEqual([
        expect.objectContaining({ caseNo: kitCase, status: 'in-progress' }),
      ]);
      for (const input of [{ policyCode: 'x', reason: '不需要' }, { policyCode: 'JS-ZC-YEBT' }, { policyCode: 'JS-ZC-YEBT', reason: 'x' }])
        expect((await mine('policy.object', input)).status).toBe(400);
      expect((await mine('policy.object', { policyCode: 'JS-ZC-NONE', reason: '不需要' })).body).toMatchObject({
        status: 404,
        code: 'OFFER_NOT_FOUND',
      });
      expect((await mine('policy.mine', {}, null)).body).toMatchObject({ status: 403, code: 'NOT_SIGNED_IN' });
      expect((await mine('policy.object', { policyCode: 'JS-ZC-YEBT', reason: '已在单位申领' })).body).toMatchObject({
        status: 'objected',
      });
      // An objection holds: gaining the tag again, or losing it, changes nothing.
      await send(tagEvent(myKey, 'gained', 4), tagEvent(myKey, 'lost', 5));
      // Another subject gains then loses it: the offer is withdrawn. (Kafka keeps each subject's events in order.)
      const otherKey = subjectKeyOf(other.id, TEST_SUBJECT_KEY_SECRET);
      await send(tagEvent(otherKey, 'gained'), tagEvent(otherKey, 'lost'));
      await eventually(async () => ((await offersOf(otherKey))[0]?.status === 'withdrawn' ? true : null), 30_000);
      // The objection held; the apply-free offer was withdrawn with the tag — its case, opened before, goes on (the department decides).
      expect(await offersOf(myKey)).toEqual(
        expect.arrayContaining([
          { policy_code: 'JS-ZC-YEBT', status: 'objected', tag_version: 3 },
          { policy_code: 'JS-ZC-JKLB', status: 'withdrawn', tag_version: 3 },
        ]),
      );
      expect((await mine('case.get-mine', { caseNo: kitCase })).body).toMatchObject({ status: 'in-progress' });
      // The demo family gained 新生儿家庭 when the data platform evaluated its tag (SEED_DEMO): 育儿补贴 offered to both parents.
      for (const parent of [DEMO_CITIZENS[1], DEMO_CITIZENS[2]])
        await eventually(async () => {
          const offers = await offersOf(subjectKeyOf(parent.id, TEST_SUBJECT_KEY_SECRET));
          return offers.some((o) => o.policy_code === 'JS-ZC-YEBT' && o.status === 'offered') ? offers : null;
        }, 30_000);
    } finally {
      await producer.disconnect();
    }
  });
  it('policies in the back office (policy:manage): a rule dry-run and published on the data platform as the policy’s own tag (each subject scanned has a bulk record naming the publisher), versioned, offered with why the person matched; retired and reactivated; bad rules, inputs and callers refused with nothing kept', async () => {
    const CODE = 'JS-ZC-XSELB';
    const TAG = 'policy-js-zc-xselb';
    const admin = await provision('mz-policy-admin', '江苏省', ['policy-admin']);
    const policies = (path: string, bearer: string | null, method = 'GET', body?: unknown) =>
      api(`${business.url}/v1/business/back-office/policies${path}`, bearer, { method, ...(body === undefined ? {} : { body }) });
    const RULE =
      "'JS-WJ-CS-0001' in profile.mentions && profile.mentions['JS-WJ-CS-0001'].exists(b, timestamp(b.cssj) > timestamp(now) - duration('8760h'))";
    const body = {
      name: '新生儿礼包 (newborn gift)',
      benefit: '新生儿健康礼包一份 (a newborn health kit)',
      eligibility: '一年内出生证明上登记的父母 (parents named on a birth certificate of the last year)',
      rule: RULE,
      bundleCode: 'JS-YJS-XSECS',
    };
    const put = (b: object, bearer: string | null = admin, code = CODE) => policies(`/${code}`, bearer, 'PUT', b);
    const db = business.app.get(DataSource);
    const offersOf = async (idNumber: string) =>
      (await db.query(
        `SELECT status, policy_version FROM "${business.definition.schema}".biz_policy_offer WHERE policy_code = $1 AND subject_key = $2`,
        [CODE, subjectKeyOf(idNumber, TEST_SUBJECT_KEY_SECRET)],
      )) as { status: string; policy_version: number }[];
    const dataTag = async () =>
      (await getJson(`${data.url}/internal/v1/data/tags/${TAG}`, INTERNAL)).body as { status?: number; version?: number; rule?: string };
    const [, li, wang] = DEMO_CITIZENS;

    // Only staff holding policy:manage: not a department officer, not a citizen, not without a token.
    expect((await policies(`/${CODE}/dry-run`, officer, 'POST', { rule: RULE })).body).toMatchObject({
      status: 403,
      code: 'POLICY_ADMIN_REQUIRED',
    });
    expect((await put(body, token)).body).toMatchObject({ status: 403, code: 'POLICY_ADMIN_REQUIRED' });
    expect((await policies('', null)).status).toBe(401);

    // A dry run: counts only (no subject, not even a hash prefix), nothing published.
    const dry = await policies(`/${CODE}/dry-run`, admin, 'POST', { rule: RULE });
    expect(dry.status).toBe(200);
    const report = dry.body as { tagCode: string; matches: number; scanned: number; currentVersion: number; added: number };
    expect(Object.keys(report).sort()).toEqual(['added', 'currentVersion', 'errors', 'matches', 'removed', 'scanned', 'tagCode']);
    expect(report).toMatchObject({ tagCode: TAG, currentVersion: 0 });
    expect(report.matches).toBeGreaterThanOrEqual(2);
    expect(report.added).toBe(report.matches);
    expect(report.scanned).toBeGreaterThan(report.matches);
    expect((await policies(`/${CODE}`, admin)).status).toBe(404);

    // Refused, each with its code, and nothing kept — neither the policy nor its tag on the data platform.
    for (const [b, status, code] of [
      [{ ...body, rule: "profile.records['x'" }, 422, 'RULE_INVALID'],
      [{ ...body, rule: '1 + 1' }, 422, 'RULE_INVALID'],
      [{ ...body, tagCode: 'newborn-family' }, 400, 'RULE_OR_TAG'],
      [{ ...body, rule: undefined }, 400, 'RULE_OR_TAG'],
      [{ ...body, rule: undefined, tagCode: 'policy-js-zc-yebt' }, 400, 'TAG_RESERVED'],
      [{ ...body, bundleCode: 'JS-YJS-NONE' }, 422, 'BUNDLE_NOT_FOUND'],
      [{ ...body, applyFree: true }, 422, 'BUNDLE_NOT_APPLY_FREE'], // 新生儿出生 asks for fields and a licence holder
      [{ ...body, applyFree: true, bundleCode: undefined }, 422, 'BUNDLE_NOT_APPLY_FREE'],
      [{ ...body, name: '' }, 400, undefined],
      [{ ...body, status: 'paused' }, 400, undefined],
      [{ ...body, extra: 1 }, 400, undefined],
    ] as [object, number, string | undefined][]) {
      const r = await put(b);
      expect({ status: r.status, code: (r.body as { code?: string }).code }).toEqual({ status, code: code ?? expect.any(String) });
    }
    expect((await put(body, admin, 'js-lower')).body).toMatchObject({ status: 400, code: 'POLICY_CODE_INVALID' });
    expect((await policies(`/${CODE}/dry-run`, admin, 'POST', { rule: 'profile.(' })).body).toMatchObject({
      status: 422,
      code: 'RULE_INVALID',
    });
    expect((await policies(`/${CODE}`, admin)).status).toBe(404);
    expect(await dataTag()).toMatchObject({ status: 404 });
    expect(await offersOf(li.id)).toEqual([]);
    // The data platform's own API neither publishes nor dry-runs a policy's tag.
    expect(
      (await putJson(`${data.url}/internal/v1/data/tags/${TAG}`, { name: 'x', rule: 'true' }, { ...INTERNAL, 'x-caller': 'someone' })).body,
    ).toMatchObject({ status: 400, code: 'TAG_RESERVED' });

    // Published: the rule as the tag's version 1; the parents gain it and are offered the policy (as tag events).
    const first = await put(body);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ code: CODE, version: 1, status: 'active', tagCode: TAG, tagVersion: 1, changed: true });
    expect((first.body as { tag: { added: number } }).tag.added).toBe(report.matches);
    expect(await dataTag()).toMatchObject({ version: 1, rule: RULE });
    for (const parent of [li, wang])
      await eventually(async () => ((await offersOf(parent.id))[0]?.status === 'offered' ? true : null), 30_000);
    expect(await offersOf(DEMO_PERSON.idNumber)).toEqual([]);
    // The same body again publishes nothing; a new name is a new policy version, not a new rule version.
    expect(await put(body)).toMatchObject({ status: 200, body: { version: 1, changed: false } });
    expect((await put({ ...body, name: '新生儿健康礼包 (newborn health kit)' })).body).toMatchObject({
      version: 2,
      tagVersion: 1,
      changed: true,
    });
    expect(await dataTag()).toMatchObject({ version: 1 });
    expect((await put({ ...body, rule: undefined, tagCode: 'newborn-family' })).body).toMatchObject({
      status: 409,
      code: 'ELIGIBILITY_SOURCE_FIXED',
    });

    // The scans read every subject's profile: bulk records in each one's "who used my data" — the parents' and 张三's alike —
    // naming the publishing staff account.
    for (const who of [li.id, DEMO_PERSON.idNumber]) {
      const records = (await dataDb().query(
        `SELECT processing, bulk, app, end_user, resource FROM "${dataSchema()}".data_access_record
          WHERE subject_key = $1 AND purpose LIKE $2 ORDER BY processing`,
        [subjectKeyOf(who, TEST_SUBJECT_KEY_SECRET), `%${CODE}%`],
      )) as { processing: string; bulk: boolean; app: string; end_user: string; resource: string }[];
      // One dry run (the refused one read nothing), one publication (the rename published no rule).
      expect(records.map((r) => [r.processing, r.bulk, r.app, r.resource])).toEqual([
        ['tag-dry-run', true, 'business-platform', 'JS-WJ-CS-0001'],
        ['tag-publish', true, 'business-platform', 'JS-WJ-CS-0001'],
      ]);
      expect(records.every((r) => r.end_user.startsWith('staff:'))).toBe(true);
    }

    // Retired: the open offers withdrawn at once; the tag matches nobody from now on (its rule `false` reads no one's data).
    const retired = await put({ ...body, name: '新生儿健康礼包 (newborn health kit)', status: 'retired' });
    expect(retired.body).toMatchObject({ version: 3, status: 'retired', tagVersion: 2 });
    expect((retired.body as { withdrawn: number }).withdrawn).toBeGreaterThanOrEqual(2);
    expect(await offersOf(li.id)).toEqual([{ status: 'withdrawn', policy_version: 1 }]);
    expect(await dataTag()).toMatchObject({ version: 2, rule: 'false' });
    // Reactivated: the rule again (a new tag version); the parents gain it again and are offered the policy again.
    const again = await put({ ...body, name: '新生儿健康礼包 (newborn health kit)' });
    expect(again.body).toMatchObject({ version: 4, status: 'active', tagVersion: 3 });
    await eventually(async () => ((await offersOf(li.id))[0]?.status === 'offered' ? true : null), 30_000);
    expect(await offersOf(li.id)).toEqual([{ status: 'offered', policy_version: 4 }]);
    // Both parents' offers come from the tag's change events, one at a time: wait for the second as for the first.
    const read = await eventually(async () => {
      const r = (await policies(`/${CODE}`, admin)).body as { versions: { version: number }[]; offers: Record<string, number> };
      return (r.offers['offered'] ?? 0) >= 2 ? r : null;
    }, 30_000);
    expect(read.versions.map((v) => v.version)).toEqual([4, 3, 2, 1]);
    expect(read.offers['offered']).toBeGreaterThanOrEqual(2);
    const listed = (await policies('', admin)).body as { policies: { code: string }[] };
    expect(listed.policies.map((p) => p.code)).toEqual(expect.arrayContaining([CODE, 'JS-ZC-YEBT']));
  }, 120_000);

  it('offers followed up one by one: none opened for a subject who has the case under way; an apply-free policy whose bundle no longer fits waits with backoff while the others go on', async () => {
    const admin = await provision('mz-policy-admin-2', '江苏省', ['policy-admin']);
    const db = business.app.get(DataSource);
    const schema = business.definition.schema;
    const followUp = business.app.get(FollowUpOffers);
    const offersOf = async (policy: string, idNumber: string) =>
      (await db.query(
        `SELECT case_no, follow_up_attempts, follow_up_after > now() AS waiting FROM "${schema}".biz_policy_offer WHERE policy_code = $1 AND subject_key = $2`,
        [policy, subjectKeyOf(idNumber, TEST_SUBJECT_KEY_SECRET)],
      )) as { case_no: string | null; follow_up_attempts: number; waiting: boolean | null }[];
    const [, li] = DEMO_CITIZENS;
    // 李四 has the demo kit's case under way (卫健委 has not handed it out here): a second apply-free policy on the same bundle opens none.
    await eventually(async () => ((await offersOf('JS-ZC-JKLB', li.id))[0]?.case_no ? true : null), 30_000);
    const published = await api(`${business.url}/v1/business/back-office/policies/JS-ZC-TESTAF`, admin, {
      method: 'PUT',
      body: {
        name: '测试免申 (test apply-free)',
        benefit: '测试 (test)',
        eligibility: '新生儿家庭 (newborn families)',
        tagCode: 'newborn-family',
        bundleCode: 'JS-YJS-JKLB',
        applyFree: true,
      },
    });
    expect(published.status).toBe(201);
    await followUp.execute();
    expect(await offersOf('JS-ZC-TESTAF', li.id)).toEqual([{ case_no: null, follow_up_attempts: 0, waiting: null }]);

    // The policy's bundle becomes one that asks (as a later version could): its offers wait with backoff, logged …
    await db.query(`UPDATE "${schema}".biz_policy SET bundle_code = 'JS-YJS-XSECS' WHERE code = 'JS-ZC-TESTAF'`);
    await followUp.execute();
    const [waiting] = await offersOf('JS-ZC-TESTAF', li.id);
    expect(waiting).toMatchObject({ case_no: null, waiting: true });
    expect(waiting!.follow_up_attempts).toBeGreaterThanOrEqual(1);
    // … while a subject who gains the tag now still gets the demo kit's case.
    const newcomer = generateCitizenId({ regionCode: '320104', birthDate: '1996-01-02', sequence: 17 });
    const kafka = new Kafka({ clientId: 'e2e-follow-up', brokers: process.env['KAFKA_BROKERS']!.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    try {
      const key = subjectKeyOf(newcomer, TEST_SUBJECT_KEY_SECRET);
      await producer.send({
        topic: wireTopicOf(Topic.DataTagChanged),
        messages: [
          {
            key,
            value: JSON.stringify({
              meta: { messageId: randomUUID(), correlationId: randomUUID(), app: 'data-platform', sentAt: new Date().toISOString() },
              tagCode: 'newborn-family',
              subjectKey: key,
              change: 'gained',
              version: 1,
              at: new Date().toISOString(),
            }),
          },
        ],
      });
    } finally {
      await producer.disconnect();
    }
    await eventually(async () => {
      await followUp.execute();
      return (await offersOf('JS-ZC-JKLB', newcomer))[0]?.case_no ?? null;
    }, 30_000);
    expect((await offersOf('JS-ZC-TESTAF', newcomer))[0]).toMatchObject({ case_no: null });
  });

  it('one thing done (issue 16, done when): a family gains 新生儿家庭, is offered 育儿补贴, the mother applies and follows her case from her own account, rates a part badly; the department rectifies, a reviewer closes it — and a company’s agent acts for the company only as authorised', async () => {
    const mother = { id: generateCitizenId({ regionCode: '320104', birthDate: '1994-05-06', sequence: 52 }), name: '钱八' };
    const father = generateCitizenId({ regionCode: '320104', birthDate: '1992-08-09', sequence: 71 });
    await tech.app.get(AccountsService).create(mother.id, mother.name, 'Mother-Pass-12', 3, '13900139000');
    const motherToken = (await flows.signIn({ username: mother.id, password: 'Mother-Pass-12' }, { scope: 'openid capabilities:invoke' }))
      .token!;
    const as = (code: string, input: object) => mine(code, input, motherToken);
    expect(((await as('policy.mine', {})).body as { offers: unknown[] }).offers).toEqual([]);

    // The parents are in the population library; the birth is registered: the data platform re-evaluates the parents' tags;
    // 新生儿家庭 gained; 育儿补贴 offered.
    const FEED = { ...INTERNAL, 'x-caller': 'feed@department' };
    const population = await post(
      `${data.url}/internal/v1/data/resources/JS-GA-RK-0001/records`,
      {
        department: '省公安厅',
        records: [
          [mother.id, mother.name, '2', '1994-05-06'],
          [father, '钱九', '1', '1992-08-09'],
        ].map(([sfzh, xm, xb, csrq]) => ({
          updatedAt: new Date().toISOString(),
          record: { sfzh, xm, xb, csrq, mz: '01', hjdz: '南京市秦淮区中华路1号', hjzt: 'normal' },
        })),
      },
      FEED,
    );
    expect(population.status).toBeLessThan(300);
    const born = new Date(Date.now() - 2 * 86_400_000);
    const stored = await post(
      `${data.url}/internal/v1/data/resources/JS-WJ-CS-0001/records`,
      {
        department: '省卫生健康委员会',
        records: [
          {
            updatedAt: new Date().toISOString(),
            record: {
              zmbh: 'Q320000852',
              xsexm: '钱小宝',
              xb: '2',
              cssj: born.toISOString(),
              mqsfzh: mother.id,
              fqsfzh: father,
              qfrq: born.toISOString().slice(0, 10),
            },
          },
        ],
      },
      FEED,
    );
    expect(stored.status).toBeLessThan(300);
    const offer = await eventually(async () => {
      const offers = ((await as('policy.mine', {})).body as { offers: Record<string, unknown>[] }).offers;
      return offers.find((o) => o['policyCode'] === 'JS-ZC-YEBT') ?? null;
    }, 30_000);
    expect(offer).toMatchObject({ status: 'offered', tagCode: 'newborn-family', bundleCode: 'JS-YJS-XSECS', policyVersion: 1 });
    expect(offer['why']).toContain('出生证明');
    expect(offer['eligibleSince']).toEqual(expect.any(String));

    // 免申即享: the platform opened the health kit's case for her itself — no application; she follows it from her own account.
    const kit = await eventually(async () => {
      const offers = ((await as('policy.mine', {})).body as { offers: Record<string, unknown>[] }).offers;
      return (offers.find((o) => o['policyCode'] === 'JS-ZC-JKLB' && o['caseNo'])?.['caseNo'] as string | undefined) ?? null;
    }, 30_000);
    const kitView = (await as('case.get-mine', { caseNo: kit })).body as MyCase;
    expect(kitView).toMatchObject({ bundleName: '新生儿健康礼包（免申即享）', status: 'in-progress', todo: [] });
    expect(kitView.timeline[0]).toMatchObject({ kind: 'submitted', message: expect.stringContaining('免申即享：依政策「新生儿健康礼包') });
    // 卫健委 hands the kit out (its officer's to-do box holds the part): the case completes and is delivered without an ID number.
    const kitPart = await eventually(async () => {
      const todo = (await office('/parts?limit=100', officer)).body as { items: { partId: string; caseNo: string }[] };
      return todo.items.find((i) => i.caseNo === kit) ?? null;
    }, 30_000);
    await office(`/parts/${kitPart.partId}/actions`, officer, { action: '受理' });
    await office(`/parts/${kitPart.partId}/actions`, officer, { action: '办结', outputs: [{ code: 'HEALTH-KIT', reference: 'KIT-852' }] });
    await eventually(async () => {
      const v = (await getJson(internal(`/cases/${kit}`), INTERNAL)).body as { status: string; delivery: { status: string } };
      return v.status === 'completed' && v.delivery.status === 'delivered' ? v : null;
    }, 30_000);

    // She applies for 新生儿出生 with the bundle 育儿补贴's offer names, and follows that case too.
    const caseNo = await apply(mother);
    const mineNow = ((await as('case.mine', {})).body as { cases: MyCase[] }).cases;
    expect(mineNow.map((c) => c.caseNo).sort()).toEqual([caseNo, kit].sort());
    // Told in her inbox (站内信) as well as by SMS: the window's application named no account, the message finds her by subject key.
    const inbox = (bearer: string) => api(`${tech.url}/v1/me/messages`, bearer);
    type Message = { id: string; title: string; body: string; read: boolean };
    const accepted = await eventually(async () => {
      const messages = ((await inbox(motherToken)).body as { messages: Message[] }).messages;
      return messages.find((m) => m.title === '办件受理通知' && m.body.includes(caseNo)) ?? null;
    }, 30_000);
    expect(((await inbox(token)).body as { messages: Message[] }).messages.some((m) => m.body.includes(caseNo))).toBe(false);
    // The apply-free case's acceptance and completion reached her inbox too (no phone was ever given for it).
    const kitTitles = ((await inbox(motherToken)).body as { messages: Message[] }).messages
      .filter((m) => m.body.includes(kit))
      .map((m) => m.title);
    expect(kitTitles.sort()).toEqual(['办件受理通知', '办结通知']);
    // 政策直达: 育儿补贴 pushed to her inbox once (the apply-free kit told her by its case instead).
    const pushed = await eventually(async () => {
      const m = ((await inbox(motherToken)).body as { messages: Message[] }).messages.filter((x) => x.title === '政策推送');
      return m.length > 0 ? m : null;
    }, 30_000);
    const bodies = await eventually(async () => {
      const all = ((await inbox(motherToken)).body as { messages: Message[] }).messages.filter((x) => x.title === '政策推送');
      return all.some((m) => m.body.includes('育儿补贴')) ? all.map((m) => m.body) : null;
    }, 30_000);
    expect(pushed.length).toBeGreaterThan(0);
    expect(bodies.filter((b) => b.includes('育儿补贴'))).toHaveLength(1);
    // (The policy the test above published on the same rule is pushed too; the apply-free kit is not: its case told her.)
    expect(bodies.some((b) => b.includes('由卫生健康部门发放'))).toBe(false);
    expect((await api(`${tech.url}/v1/me/messages/${accepted.id}/read`, token, { body: {} })).status).toBe(404);
    expect((await api(`${tech.url}/v1/me/messages/${accepted.id}/read`, motherToken, { body: {} })).status).toBe(204);
    expect(((await inbox(motherToken)).body as { messages: Message[] }).messages.find((m) => m.id === accepted.id)).toMatchObject({
      read: true,
    });
    await approveBirth(caseNo, 'Q852');
    const view = (await as('case.get-mine', { caseNo })).body as MyCase;
    expect(view.parts.find((p) => p.matterCode === BIRTH)).toMatchObject({ status: 'approved' });
    expect(view.timeline.map((e) => e['kind'])).toEqual(expect.arrayContaining(['submitted', 'approved']));

    // She rates the part badly; 卫健委 rectifies; a reviewer — not the officer — closes it.
    const rated = await as('case.rate', { caseNo, matterCode: BIRTH, score: 1, reasons: ['材料反复提交'] });
    expect(rated.body).toMatchObject({ score: 1, rectification: { department: WJW, status: 'pending' } });
    const task = ((await office('/rectifications', officer)).body as { items: { id: string; caseNo: string }[] }).items.find(
      (x) => x.caseNo === caseNo,
    )!;
    const step = (op: string, bearer: string, body: unknown = {}) => office(`/rectifications/${task.id}/${op}`, bearer, body);
    expect((await step('review', officer, { approve: true, note: '自己验收' })).body).toMatchObject({
      status: 403,
      code: 'REVIEWER_REQUIRED',
    });
    expect((await step('start', officer)).body).toMatchObject({ status: 'in-progress' });
    const reviewer = await provision('nj-rating-reviewer-2', '南京市', ['rating-reviewer']);
    expect((await step('review', reviewer, { approve: true, note: '未整改' })).body).toMatchObject({ status: 409, code: 'WRONG_STEP' });
    expect((await step('finish', officer, { note: '出生医学证明改为医院直接推送，无需再交' })).body).toMatchObject({ status: 'rectified' });
    // Sent back once at acceptance; finished again by a colleague who also reviews ratings — who may not accept her own work.
    expect((await step('review', reviewer, { approve: false, note: '回访：仍需补交' })).body).toMatchObject({ status: 'in-progress' });
    const dual = await provision('wjw-dual-2', WJW, ['approver', 'rating-reviewer']);
    expect((await step('finish', dual, { note: '已与医院系统对接' })).body).toMatchObject({ status: 'rectified' });
    expect((await step('review', dual, { approve: true, note: '自己验收' })).body).toMatchObject({
      status: 403,
      code: 'REVIEWER_REQUIRED',
    });
    // Sampled for a return visit: closed only with the applicant's answer.
    await business.app
      .get(DataSource)
      .query(`UPDATE "${business.definition.schema}".biz_rectification SET revisit = true WHERE id = $1`, [task.id]);
    expect((await step('review', reviewer, { approve: true, note: '办结' })).body).toMatchObject({ status: 422, code: 'REVISIT_REQUIRED' });
    expect((await step('review', reviewer, { approve: true, note: '办结', revisitSatisfied: false })).body).toMatchObject({
      status: 409,
      code: 'REVISIT_UNSATISFIED',
    });
    expect((await step('review', reviewer, { approve: true, note: '回访满意，办结', revisitSatisfied: true })).body).toMatchObject({
      status: 'closed',
      revisitSatisfied: true,
      reviewedBy: expect.any(String),
    });
    expect((await step('review', reviewer, { approve: true, note: '再次' })).status).toBe(409);
    const summary = (await getJson(internal('/ratings/summary?by=department'), INTERNAL)).body as {
      groups: { key: string; closed: number }[];
    };
    expect(summary.groups.find((g) => g.key === WJW)!.closed).toBeGreaterThanOrEqual(1);
    // Nobody else sees her case or offers: the demo person's lists do not hold them.
    expect(((await mine('case.mine', {})).body as { cases: MyCase[] }).cases.map((c) => c.caseNo)).not.toContain(caseNo);
    expect((await mine('case.get-mine', { caseNo })).status).toBe(404);

    // A company's agent: only as authorised (case:manage / policy:manage), for that company only.
    const company = DEMO_COMPANIES[1]!; // 张三 is an agent of DEMO_COMPANIES[0] only, and not for these scopes
    for (const [code, input] of [
      ['case.mine', { company: company.id }],
      ['case.get-mine', { caseNo, company: company.id }],
      ['policy.mine', { company: company.id }],
      ['case.mine', { company: DEMO_COMPANIES[0]!.id }],
    ] as [string, object][])
      expect((await mine(code, input)).body).toMatchObject({ status: 403, code: 'NOT_AN_AGENT' });
    expect((await mine('case.mine', { company: '91320100MA1XK2Q8X' })).status).toBe(400);
    await authoriseAgent(tech, company.id, DEMO_PERSON.idNumber, ['case:manage']);
    const companyCase = await applyForCompany(company);
    const listed = (await mine('case.mine', { company: company.id })).body as { cases: MyCase[] };
    expect(listed.cases.map((c) => c.caseNo)).toEqual([companyCase]);
    expect((await mine('case.get-mine', { caseNo: companyCase, company: company.id })).status).toBe(200);
    // Not the company's own case list without `company`, nor another case through the company, nor its policies (no policy:manage).
    expect((await mine('case.get-mine', { caseNo: companyCase })).status).toBe(404);
    expect((await mine('case.get-mine', { caseNo, company: company.id })).status).toBe(404);
    expect((await mine('policy.mine', { company: company.id })).body).toMatchObject({ status: 403, code: 'NOT_AN_AGENT' });
    // The agent follows it to the end and rates it for the company (the simulated departments decide at once).
    await eventually(async () => {
      const v = (await mine('case.get-mine', { caseNo: companyCase, company: company.id })).body as MyCase;
      return ['completed', 'partly-completed'].includes(v.status) ? v : null;
    }, 60_000);
    expect((await mine('case.rate', { caseNo: companyCase, company: company.id, score: 5 })).body).toMatchObject({ score: 5 });
    expect((await mine('case.withdraw', { caseNo: companyCase, company: company.id, reason: '信息填错' })).body).toMatchObject({
      status: 409,
      code: 'CASE_SETTLED',
    });
  }, 180_000);
});
