import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Topic } from '@gmp/contracts';
import { CapabilityClient, type ProviderError } from '@gmp/messaging';
import { businessPlatformService, SweepPartDeadlines, SweepStepLimits, VerifyCommitments } from '@gmp/feature-business';
import { dataPlatformService } from '@gmp/feature-data';
import { DEMO_CASE_OFFICER, DEMO_PERSON, DEMO_STAFF, techCapabilitiesService } from '@gmp/feature-tech';
import { DEMO_CITIZENS, DEMO_COMPANIES, generateCitizenId, generateCreditCode } from '@gmp/gov-standards';
import { type RunningService, startService } from '@gmp/service-kit';
import { eventually, inOwnSchema, integrationEnv } from '@gmp/testing';
import { getJson, INTERNAL, post } from './dispatch-client.js';
import { api, OidcFlows } from './oidc-flows.js';
import { freePort } from './service-process.js';
import { provisionStaff } from './staff-accounts.js';

type Field = { id: string; type: string; source: string; codeList?: string[] };
type InboxItem = { partId: string; caseNo: string; matterCode: string; matterName: string; state: string | null; assignee: string | null };
type Delivery = {
  status: string | null;
  error: string | null;
  archivePackageId: string | null;
  licences: { matterCode: string; output: string; name: string; licenceId: string }[];
};
type CaseView = { caseNo: string; status: string; parts: { matterCode: string; department: string; status: string; outputs: unknown[] }[] };

const WJW = '南京市卫生健康委员会';
const BIRTH = '11320100MB1234567X4000001000';
const VACCINATION = '11320100MB1234567X4000002000';

/**
 * 部门审批 over real Kafka and PostgreSQL, with identity's real tokens: the business platform
 * places matter departments in identity's tree (over Kafka), staff of 南京市卫生健康委员会 work
 * their parts of 新生儿出生 through the back-office API (to-do by role, claim, 受理, 退回补正,
 * 办结 with outputs), the other departments are simulated; staff of other departments, of the
 * wrong role, citizens and anonymous callers see and change nothing.
 */
describe('business platform: back office (部门审批) with staff tokens and data scopes', () => {
  let tech: RunningService;
  let data: RunningService;
  let business: RunningService;
  let flows: OidcFlows;
  const tokens: Record<'officer' | 'colleague' | 'police' | 'supervisor' | 'citizen' | 'district', string> = {} as never;
  const parent = { id: generateCitizenId({ regionCode: '320102', birthDate: '1990-07-08', sequence: 31 }), name: '赵六' };
  const WINDOW = { ...INTERNAL, 'x-caller': 'window@maternity-hospital' };
  const internal = (path: string) => `${business.url}/internal/v1/business${path}`;
  const office = (path: string, token: string | null, init?: Parameters<typeof api>[2]) =>
    api(`${business.url}/v1/business/back-office${path}`, token, init);
  const todo = async (token: string, box = 'todo') =>
    ((await office(`/parts?box=${box}&limit=100`, token)).body as { items: InboxItem[] }).items;
  const caseOf = async (caseNo: string) => (await getJson(internal(`/cases/${caseNo}`), INTERNAL)).body as CaseView;
  const techQuery = (sql: string, params: unknown[]) => tech.app.get(DataSource).query(sql, params) as Promise<Record<string, unknown>[]>;
  const provision = (username: string, department: string, roles: string[]) => provisionStaff(tech, flows, username, department, roles);
  const applyNewborn = async (applicant = parent, subjects?: Record<string, string>) => {
    const plan = ((await getJson(internal('/bundles/JS-YJS-XSECS'), INTERNAL)).body as { plan: { form: Field[] } }).plan;
    const form = Object.fromEntries(
      plan.form.map((f) => [
        f.id,
        {
          string: '测试值',
          number: 10,
          boolean: true,
          date: '2026-11-30',
          datetime: '2026-11-30T08:15:00+08:00',
          citizenId: applicant.id,
          phone: '13800138000',
          code: f.codeList?.[0],
        }[f.type],
      ]),
    );
    const r = await post(
      internal('/applications'),
      { bundleCode: 'JS-YJS-XSECS', applicant, form, ...(subjects ? { subjects } : {}) },
      WINDOW,
    );
    expect(r.status).toBe(201);
    return (r.body as CaseView).caseNo;
  };
  /** The part of `matter` in `caseNo`, once it sits in the officer's to-do box. */
  const waitingPart = (caseNo: string, matter = BIRTH) =>
    eventually(async () => (await todo(tokens.officer)).find((i) => i.caseNo === caseNo && i.matterCode === matter) ?? null, 30_000);

  beforeAll(async () => {
    const port = await freePort();
    tech = await startService(inOwnSchema(techCapabilitiesService), integrationEnv({ PORT: String(port) }));
    const issuer = `http://127.0.0.1:${port}/oidc`;
    flows = new OidcFlows(issuer);
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
    await eventually(async () => {
      const listed = ((await getJson(internal('/bundles'), INTERNAL)).body as { bundles: unknown[] }).bundles;
      return listed.length === 4 ? listed : null;
    }, 60_000);
    tokens.officer = (await flows.signIn({ username: DEMO_CASE_OFFICER.username, password: DEMO_CASE_OFFICER.password })).token!;
    tokens.colleague = await provision('wjw-colleague', WJW, ['acceptor', 'approver']);
    tokens.police = await provision('ga-officer', '南京市公安局', ['acceptor', 'approver']);
    tokens.supervisor = await provision('nj-supervisor', '南京市', ['operator']);
    tokens.district = (await flows.signIn({ username: DEMO_STAFF.operator.username, password: DEMO_STAFF.operator.password })).token!;
    tokens.citizen = (await flows.signIn({ username: DEMO_PERSON.idNumber, password: DEMO_PERSON.password })).token!;
    expect(Object.values(tokens).every(Boolean)).toBe(true);
  }, 240_000);

  afterAll(async () => {
    await business?.close();
    await data?.close();
    await tech?.close();
  });

  it('places every matter department in identity’s tree (asked over Kafka), and says which it cannot', async () => {
    const synced = await post(internal('/departments/sync'), {}, INTERNAL);
    expect(synced.status).toBe(200);
    const departments = (synced.body as { departments: { name: string; status: string; path: string | null }[] }).departments;
    expect(departments.find((d) => d.name === WJW)).toMatchObject({
      status: 'resolved',
      path: expect.stringMatching(/^\/([0-9a-f-]{36}\/){3}$/),
    });
    expect(departments.length).toBeGreaterThanOrEqual(9);
    expect(departments.every((d) => d.status === 'resolved')).toBe(true);
    expect((await getJson(internal('/departments'), INTERNAL)).body.departments).toHaveLength(departments.length);
    expect((await getJson(internal('/departments'), {})).status).toBe(401);
  });

  it('新生儿出生 worked by 卫健委 staff with their own tokens: to-do by role, claim, 受理, 办结 with outputs — until the case completes', async () => {
    const caseNo = await applyNewborn();
    const item = await waitingPart(caseNo);
    expect(item).toMatchObject({ state: '待受理', assignee: null, matterName: '出生医学证明签发' });

    const detail = await office(`/parts/${item.partId}`, tokens.officer);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ caseNo, state: '待受理', department: WJW, actions: [{ name: '受理', to: '审查中' }] });
    expect(detail.body.applicant.masked).not.toContain(parent.id.slice(6, 14));
    expect(detail.body.form.length).toBeGreaterThan(0);

    // Claim: once; a colleague then neither claims nor acts; the officer's repeat claim is harmless.
    expect((await office(`/parts/${item.partId}/claim`, tokens.officer, { method: 'POST' })).status).toBe(200);
    expect((await office(`/parts/${item.partId}/claim`, tokens.officer, { method: 'POST' })).status).toBe(200);
    const stolen = await office(`/parts/${item.partId}/claim`, tokens.colleague, { method: 'POST' });
    expect([stolen.status, stolen.body.code]).toEqual([409, 'CLAIMED_BY_OTHER']);
    const meddled = await office(`/parts/${item.partId}/actions`, tokens.colleague, { body: { action: '受理' } });
    expect([meddled.status, meddled.body.code]).toEqual([409, 'CLAIMED_BY_OTHER']);
    expect((await todo(tokens.colleague)).some((i) => i.partId === item.partId)).toBe(false);
    expect((await todo(tokens.officer, 'mine')).map((i) => i.partId)).toContain(item.partId);

    // A step that does not leave this state, then the right ones.
    const early = await office(`/parts/${item.partId}/actions`, tokens.officer, { body: { action: '办结' } });
    expect([early.status, early.body.code]).toEqual([409, 'ACTION_NOT_AVAILABLE']);
    expect(early.body.detail).toContain('受理');
    const accepted = await office(`/parts/${item.partId}/actions`, tokens.officer, { body: { action: '受理' } });
    expect(accepted.body).toEqual({ partId: item.partId, caseNo, state: '审查中', status: 'dispatched' });
    const wrongOutput = await office(`/parts/${item.partId}/actions`, tokens.officer, {
      body: { action: '办结', outputs: [{ code: 'NOT-OURS', reference: 'x' }] },
    });
    expect([wrongOutput.status, wrongOutput.body.code]).toEqual([422, 'DECISION_INVALID']);
    const approved = await office(`/parts/${item.partId}/actions`, tokens.officer, {
      body: { action: '办结', outputs: [{ code: 'BIRTH-CERT', reference: 'Q320100-2026-000123' }] },
    });
    expect(approved.body).toMatchObject({ state: '已办结', status: 'approved' });
    const again = await office(`/parts/${item.partId}/actions`, tokens.officer, { body: { action: '办结' } });
    expect([again.status, again.body.code]).toEqual([409, 'PART_CLOSED']);

    // The officer works every other 卫健委 part of the case as it arrives; the simulated departments do theirs.
    await eventually(async () => {
      for (const next of (await todo(tokens.officer)).filter((i) => i.caseNo === caseNo)) {
        const steps: Record<string, object> = { 待受理: { action: '受理' }, 审查中: { action: '办结' } };
        await office(`/parts/${next.partId}/actions`, tokens.officer, { body: steps[next.state ?? ''] ?? { action: '受理' } });
      }
      const c = await caseOf(caseNo);
      return c.status === 'completed' ? c : null;
    }, 60_000);
    const done = await caseOf(caseNo);
    expect(done.parts.map((p) => p.status)).toEqual(Array(8).fill('approved'));
    expect(done.parts.find((p) => p.matterCode === BIRTH)!.outputs).toEqual([{ code: 'BIRTH-CERT', reference: 'Q320100-2026-000123' }]);
    const timeline = (
      (await getJson(internal(`/cases/${caseNo}`), INTERNAL)).body as { timeline: { kind: string; actor: string; message: string }[] }
    ).timeline;
    expect(timeline.filter((e) => e.actor.startsWith(`${WJW}/staff:`)).map((e) => e.kind)).toEqual(
      expect.arrayContaining(['step', 'approved']),
    );
    expect((await todo(tokens.officer, 'done')).map((i) => i.caseNo)).toContain(caseNo);

    // 一窗出件: the birth certificate issued once as an e-licence sealed with 卫健委's seal, the case archived, the applicant told.
    const delivered = await eventually(async () => {
      const v = (await getJson(internal(`/cases/${caseNo}`), INTERNAL)).body as CaseView & { delivery: Delivery };
      return v.delivery.status === 'delivered' ? v : null;
    }, 60_000);
    expect(delivered.delivery.licences).toEqual([
      expect.objectContaining({
        matterCode: BIRTH,
        output: 'BIRTH-CERT',
        name: '出生医学证明',
        licenceId: expect.stringMatching(/^1\.2\.156\.3005\.2\./),
      }),
    ]);
    expect(delivered.delivery.archivePackageId).toMatch(/^[0-9a-f-]{36}$/);
    const issued = await techQuery(
      `SELECT licence_id, issuer_name, data FROM "${tech.definition.schema}".licence WHERE issue_key LIKE $1`,
      [`${caseNo}:%`],
    );
    expect(issued).toEqual([
      {
        licence_id: delivered.delivery.licences[0]!.licenceId,
        issuer_name: WJW,
        data: expect.objectContaining({ 出生时间: '2026-11-30T08:15:00+08:00' }),
      },
    ]);
    expect(await techQuery(`SELECT case_id FROM "${tech.definition.schema}".archive_package WHERE case_id = $1`, [caseNo])).toHaveLength(1);
    const last = ((await getJson(internal(`/cases/${caseNo}`), INTERNAL)).body as { timeline: { kind: string; message: string }[] })
      .timeline;
    expect(last.map((e) => e.kind)).toEqual(expect.arrayContaining(['licence-issued', 'delivered']));
    expect(last.find((e) => e.kind === 'delivered')!.message).toContain('已短信通知');

    // A delivery whose answers were lost is run again: the issue key answers the same licence, no second one; the archive keeps one package.
    const businessDb = business.app.get(DataSource);
    await businessDb.query(
      `DELETE FROM "${business.definition.schema}".biz_case_output WHERE case_id = (SELECT id FROM "${business.definition.schema}".biz_case WHERE case_no = $1)`,
      [caseNo],
    );
    await businessDb.query(
      `UPDATE "${business.definition.schema}".biz_case SET delivery_status = 'pending', delivery_lease_until = NULL, archive_package_id = NULL WHERE case_no = $1`,
      [caseNo],
    );
    const redelivered = await eventually(async () => {
      const v = (await getJson(internal(`/cases/${caseNo}`), INTERNAL)).body as CaseView & { delivery: Delivery };
      return v.delivery.status === 'delivered' ? v : null;
    }, 60_000);
    expect(redelivered.delivery.licences.map((l) => l.licenceId)).toEqual(delivered.delivery.licences.map((l) => l.licenceId));
    expect(await techQuery(`SELECT 1 FROM "${tech.definition.schema}".licence WHERE issue_key LIKE $1`, [`${caseNo}:%`])).toHaveLength(1);
    expect(await techQuery(`SELECT 1 FROM "${tech.definition.schema}".archive_package WHERE case_id = $1`, [caseNo])).toHaveLength(1);
    // The same issue key for another holder is refused, never answered with this case's licence.
    const reused = await business.app
      .get(CapabilityClient)
      .request(
        Topic.LicenceIssue,
        null,
        {
          meta: { messageId: randomUUID(), correlationId: randomUUID(), app: 'business-platform', sentAt: new Date().toISOString() },
          input: {
            typeCode: '11100000000013338W032',
            holderType: 'person',
            holderId: generateCitizenId({ regionCode: '320102', birthDate: '1991-01-01', sequence: 5 }),
            holderName: '他人',
            data: {},
            sealId: '3f6b2c1a-8d4e-4b7f-a2c9-5e1d7f3b9a01',
            issueKey: `${caseNo}:${BIRTH}:BIRTH-CERT`,
          },
        },
        30_000,
      )
      .then(
        () => null,
        (err: ProviderError) => err.error?.reason,
      );
    expect(reused).toBe('ISSUE_KEY_REUSED');
  });

  it('退回补正: a reason and marks naming only what the part has; the applicant’s step is not staff’s to take', async () => {
    const caseNo = await applyNewborn();
    const item = await waitingPart(caseNo);
    await office(`/parts/${item.partId}/actions`, tokens.officer, { body: { action: '受理' } });
    const cases: [object, string][] = [
      [{ action: '退回补正' }, 'DECISION_INVALID'], // no reason
      [{ action: '退回补正', reason: '请补正', marks: { fields: ['newborn.DE99999'] } }, 'DECISION_INVALID'],
      [{ action: '退回补正', reason: '请补正', marks: { materials: ['BUSINESS-LICENCE'] } }, 'DECISION_INVALID'],
      [{ action: '退回补正', reason: '请补正', outputs: [{ code: 'BIRTH-CERT', reference: 'x' }] }, 'DECISION_INVALID'],
      [{ action: '不予办理' }, 'DECISION_INVALID'], // a refusal needs its reason
      [{ action: '不予办理', reason: '不符合', outputs: [{ code: 'BIRTH-CERT', reference: 'x' }] }, 'DECISION_INVALID'],
      [{ action: '办结', marks: { fields: [] } }, 'DECISION_INVALID'],
      [{ action: '补正' }, 'ACTION_NOT_AVAILABLE'],
      [{ action: 'DROP TABLE' }, 'ACTION_NOT_AVAILABLE'],
    ];
    for (const [body, code] of cases) {
      const r = await office(`/parts/${item.partId}/actions`, tokens.officer, { body });
      expect([JSON.stringify(body), r.body.code]).toEqual([JSON.stringify(body), code]);
    }
    const detail = (await office(`/parts/${item.partId}`, tokens.officer)).body as {
      form: { id: string }[];
      materials: { code: string }[];
    };
    const field = detail.form[0]!.id;
    const sent = await office(`/parts/${item.partId}/actions`, tokens.officer, {
      body: { action: '退回补正', reason: '出生时间与分娩记录不一致', marks: { fields: [field] } },
    });
    expect(sent.body).toMatchObject({ state: '待补正', status: 'dispatched' });
    const after = (await office(`/parts/${item.partId}`, tokens.officer)).body;
    expect(after.marks).toEqual({ fields: [field], materials: [], reason: '出生时间与分娩记录不一致' });
    expect(after.actions).toEqual([]); // 补正 is the applicant's
    // The part's clock stands still while the applicant corrects; staff cannot resume a 补正 pause.
    expect(after.clock).toMatchObject({ pauseReason: '补正', pausedAt: expect.any(String), pausedWorkingDays: 0 });
    expect((await office(`/parts/${item.partId}/clock/resume`, tokens.officer, { body: {} })).body.code).toBe('CLOCK_NOT_PAUSED');
    const staffTakesApplicantStep = await office(`/parts/${item.partId}/actions`, tokens.officer, { body: { action: '补正' } });
    expect([staffTakesApplicantStep.status, staffTakesApplicantStep.body.code]).toEqual([403, 'ROLE_NOT_ALLOWED']);
    expect((await todo(tokens.officer)).some((i) => i.partId === item.partId)).toBe(false);
    const c = (await getJson(internal(`/cases/${caseNo}`), INTERNAL)).body as { timeline: { kind: string; message: string }[] };
    expect(c.timeline.find((e) => e.kind === 'sent-back')!.message).toContain('出生时间与分娩记录不一致');
    // The applicant was told by SMS (the form gave a phone) and in their inbox of the acceptance and of what to correct — once each.
    const texts = await eventually(async () => {
      const rows = (await techQuery(
        `SELECT template, channel, app FROM "${tech.definition.schema}".notification WHERE correlation_id = $1`,
        [caseNo],
      )) as { template: string; channel: string; app: string }[];
      return rows.filter((r) => r.template === 'materials-needed').length === 2 ? rows : null;
    }, 30_000);
    expect(texts.map((r) => `${r.template}/${r.channel}`).sort()).toEqual([
      'case-accepted/in-app',
      'case-accepted/sms',
      'materials-needed/in-app',
      'materials-needed/sms',
    ]);
    expect(texts.every((r) => r.app === 'business-platform')).toBe(true);

    // 补正 through the window: every marked field and nothing else, checked like at submission, answered at once.
    const correct = (body: object, caseRef = caseNo, matter = BIRTH) =>
      post(internal(`/cases/${caseRef}/parts/${matter}/corrections`), body, WINDOW);
    const fieldType = (detail.form as { id: string; type?: string }[]).find((f) => f.id === field);
    const good = field.endsWith(':cssj') ? '2026-11-29T07:00:00+08:00' : fieldType?.type === 'citizenId' ? parent.id : '更正值';
    for (const [body, status, code] of [
      [{}, 422, 'CORRECTION_INCOMPLETE'], // the marked field is missing
      [{ form: { [field]: good, 'applicant.DE00007': '13900139000' } }, 422, 'CORRECTION_INCOMPLETE'], // a field not marked
      [{ form: { [field]: good }, materials: { 'ID-MOTHER': { fileId: 'f1' } } }, 422, 'CORRECTION_INCOMPLETE'], // a material not marked
      [{ form: 'x' }, 400, 'INVALID_INPUT'],
    ] as [object, number, string | undefined][]) {
      const r = await correct(body);
      expect([JSON.stringify(body), r.status, (r.body as { code?: string }).code]).toEqual([JSON.stringify(body), status, code]);
    }
    expect((await correct({ form: { [field]: good } }, 'YJS20990101999999')).status).toBe(404);
    expect((await correct({ form: { [field]: good } }, caseNo, VACCINATION)).body.code).toBe('NOT_SENT_BACK');
    const answered = await correct({ form: { [field]: good } });
    expect(answered.status).toBe(200);
    expect((await correct({ form: { [field]: good } })).body.code).toBe('NOT_SENT_BACK'); // once
    const back = (await office(`/parts/${item.partId}`, tokens.officer)).body;
    expect(back).toMatchObject({
      state: '审查中',
      marks: null,
      actions: [{ name: '退回补正' }, { name: '办结' }, { name: '不予办理' }].map((a) => expect.objectContaining(a)),
    });
    expect((back.form as { id: string; value: unknown }[]).find((f) => f.id === field)!.value).toBe(good);
    expect(back.clock).toMatchObject({ pauseReason: null, pausedAt: null, pausedWorkingDays: 0, dueOn: after.clock.dueOn });
    expect((await todo(tokens.officer)).some((i) => i.partId === item.partId)).toBe(true);

    // A prefilled value (the demo mother's name, from the population library) sent back and corrected: its provenance goes.
    const wang = { id: DEMO_CITIZENS[2].id, name: DEMO_CITIZENS[2].name };
    const prefilledCase = await applyNewborn(wang, { mother: wang.id });
    const view = async () =>
      (await getJson(internal(`/cases/${prefilledCase}`), INTERNAL)).body as {
        prefilled: { field: string }[];
        notPrefilled: { field: string; reason: string }[];
      };
    expect((await view()).prefilled.map((x) => x.field)).toContain('mother.DE00002');
    const part = await waitingPart(prefilledCase);
    await office(`/parts/${part.partId}/actions`, tokens.officer, { body: { action: '受理' } });
    await office(`/parts/${part.partId}/actions`, tokens.officer, {
      body: { action: '退回补正', reason: '母亲姓名与分娩记录不一致', marks: { fields: ['mother.DE00002'] } },
    });
    expect((await correct({ form: { 'mother.DE00002': '王五妹' } }, prefilledCase)).status).toBe(200);
    const corrected = await view();
    expect(corrected.prefilled.map((x) => x.field)).not.toContain('mother.DE00002');
    expect(corrected.prefilled.map((x) => x.field)).toContain('mother.DE00001');
    expect(corrected.notPrefilled).toEqual(expect.arrayContaining([{ field: 'mother.DE00002', reason: 'CORRECTED' }]));
  });

  it('data scope and roles: other departments see nothing, a city supervisor reads but cannot act, citizens and anonymous callers are refused', async () => {
    const caseNo = await applyNewborn();
    const item = await waitingPart(caseNo);
    const path = `/parts/${item.partId}`;
    // Another department (公安局, same roles) and another district (玄武区): as if the part did not exist.
    for (const token of [tokens.police, tokens.district]) {
      expect((await todo(token)).some((i) => i.caseNo === caseNo && i.matterCode === BIRTH)).toBe(false);
      for (const [p, init] of [
        [path, undefined],
        [`${path}/claim`, { method: 'POST' }],
        [`${path}/release`, { method: 'POST' }],
        [`${path}/actions`, { body: { action: '受理' } }],
      ] as const) {
        const r = await office(p, token, init);
        expect([p, r.status, r.body.code]).toEqual([p, 404, 'PART_NOT_FOUND']);
      }
    }
    // 南京市 and below (operator: dept_and_below): reads it, but no workflow role — no to-do, no claim, no step.
    expect((await office(path, tokens.supervisor)).status).toBe(200);
    expect((await office(path, tokens.supervisor)).body.actions).toEqual([]);
    expect((await todo(tokens.supervisor)).some((i) => i.partId === item.partId)).toBe(false);
    expect((await office(`${path}/claim`, tokens.supervisor, { method: 'POST' })).body.code).toBe('ROLE_NOT_ALLOWED');
    expect((await office(`${path}/actions`, tokens.supervisor, { body: { action: '受理' } })).body.code).toBe('ROLE_NOT_ALLOWED');
    // A citizen's token has no case:handle; no token, a forged one, a broken id, a bad body.
    expect((await office(path, tokens.citizen)).body.code).toBe('PERMISSION_DENIED');
    expect((await office(path, null)).status).toBe(401);
    expect((await office(path, `${tokens.officer.slice(0, -4)}AAAA`)).body.code).toBe('TOKEN_BAD_SIGNATURE');
    expect((await office('/parts/not-a-uuid', tokens.officer)).status).toBe(404);
    expect((await office(`/parts/${item.partId.slice(0, -1) + (item.partId.endsWith('0') ? '1' : '0')}`, tokens.officer)).status).toBe(404);
    for (const body of [{}, { action: '' }, { action: 7 }, { action: '受理', outputs: 'x' }, { action: '受理', marks: { fields: 'x' } }]) {
      const r = await office(`${path}/actions`, tokens.officer, { body });
      expect([JSON.stringify(body), r.status]).toEqual([JSON.stringify(body), 400]);
    }
    expect((await office(`${path}/actions`, tokens.officer, { raw: '{"action": "受' })).status).toBe(400);
    for (const q of ['box=everything', 'limit=0', 'limit=101', 'offset=-1', 'limit=abc'])
      expect((await office(`/parts?${q}`, tokens.officer)).status).toBe(400);
    // Nothing above moved the part.
    expect((await office(path, tokens.officer)).body).toMatchObject({ state: '待受理', assignee: null, status: 'dispatched' });
  });

  it('two staff claiming at once: exactly one holds the part; release gives it back', async () => {
    const caseNo = await applyNewborn();
    const item = await waitingPart(caseNo);
    const results = await Promise.all(
      [tokens.officer, tokens.colleague, tokens.officer, tokens.colleague].map((t) =>
        office(`/parts/${item.partId}/claim`, t, { method: 'POST' }),
      ),
    );
    const holders = new Set(results.filter((r) => r.status === 200).map((r) => r.body.assignee as string));
    expect(holders.size).toBe(1);
    expect(results.filter((r) => r.status !== 200).every((r) => r.status === 409 && r.body.code === 'CLAIMED_BY_OTHER')).toBe(true);
    const subjectOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
    const [mine, other] =
      [...holders][0] === subjectOf(tokens.officer) ? [tokens.officer, tokens.colleague] : [tokens.colleague, tokens.officer];
    expect((await office(`/parts/${item.partId}/release`, other, { method: 'POST' })).body.code).toBe('NOT_CLAIMED_BY_YOU');
    expect((await office(`/parts/${item.partId}/release`, mine, { method: 'POST' })).status).toBe(204);
    expect((await office(`/parts/${item.partId}/claim`, other, { method: 'POST' })).status).toBe(200);
  });

  it('step limits, swept in PostgreSQL: a warning at 80 %, escalation past the limit, deemed approval where the workflow says so — each once', async () => {
    const act = async (partId: string, body: object) =>
      expect((await office(`/parts/${partId}/actions`, tokens.officer, { body })).status).toBe(200);
    // A: 出生医学证明 approved, then 预防接种证 accepted — its 审查中 step is deemed approved when its limit passes.
    const a = await applyNewborn();
    const birth = await waitingPart(a);
    await act(birth.partId, { action: '受理' });
    await act(birth.partId, { action: '办结' });
    const vaccination = await waitingPart(a, VACCINATION);
    await act(vaccination.partId, { action: '受理' });
    // B: left at 待受理 (escalate). C: sent back, 待补正 has 5 working days (warning after 4).
    const b = await waitingPart(await applyNewborn());
    const cCase = await applyNewborn();
    const c = await waitingPart(cCase);
    await act(c.partId, { action: '受理' });
    const field = ((await office(`/parts/${c.partId}`, tokens.officer)).body as { form: { id: string }[] }).form[0]!.id;
    await act(c.partId, { action: '退回补正', reason: '请补正出生时间', marks: { fields: [field] } });
    const cDetail = (await office(`/parts/${c.partId}`, tokens.officer)).body as { stepDueOn: string };
    const warnOn = (
      await business.app
        .get(DataSource)
        .query(`SELECT state_warn_on FROM "${business.definition.schema}".biz_case_part WHERE id = $1`, [c.partId])
    )[0].state_warn_on as string;
    expect(warnOn < cDetail.stepDueOn).toBe(true);

    const sweep = business.app.get(SweepStepLimits);
    const atWarnDay = new Date(`${warnOn}T12:00:00+08:00`);
    const first = await sweep.execute(atWarnDay);
    expect(first.warned).toBeGreaterThanOrEqual(1);
    expect(first.escalated).toBeGreaterThanOrEqual(1);
    expect(first.deemedApproved).toBeGreaterThanOrEqual(1);
    const kinds = async (caseNo: string) =>
      (
        (await getJson(internal(`/cases/${caseNo}`), INTERNAL)).body as {
          timeline: { kind: string; actor: string; matterCode: string | null }[];
        }
      ).timeline;
    expect((await kinds(cCase)).filter((e) => e.kind === 'step-warning')).toHaveLength(1);
    expect((await kinds(cCase)).filter((e) => e.kind === 'escalated')).toHaveLength(0); // 待补正 is not past its limit yet
    expect((await kinds(b.caseNo)).filter((e) => e.kind === 'escalated' && e.matterCode === BIRTH)).toHaveLength(1);
    const deemed = (await kinds(a)).filter((e) => e.matterCode === VACCINATION && e.kind === 'approved');
    expect(deemed).toEqual([expect.objectContaining({ actor: `${WJW}/视为同意` })]);
    expect((await caseOf(a)).parts.find((p) => p.matterCode === VACCINATION)!.status).toBe('approved');
    // Swept again: nothing new for these parts.
    await sweep.execute(atWarnDay);
    expect((await kinds(cCase)).filter((e) => e.kind === 'step-warning')).toHaveLength(1);
    expect((await kinds(b.caseNo)).filter((e) => e.kind === 'escalated')).toHaveLength(1);
    expect((await kinds(a)).filter((e) => e.matterCode === VACCINATION && e.kind === 'approved')).toHaveLength(1);
    // A step taken after a warning restarts the clock of the next step: 待受理 → 审查中 gets its own due day.
    await act(b.partId, { action: '受理' });
    expect(((await office(`/parts/${b.partId}`, tokens.officer)).body as { stepDueOn: string | null }).stepDueOn).toMatch(
      /^\d{4}-\d{2}-\d{2}$/,
    );
  });

  it('one part whose bundle version cannot be read is left out of the to-do box; every other part stays', async () => {
    const broken = await waitingPart(await applyNewborn());
    const fine = await waitingPart(await applyNewborn());
    const db = business.app.get(DataSource);
    const schema = business.definition.schema;
    await db.query(`UPDATE "${schema}".biz_case SET bundle_version = 999 WHERE case_no = $1`, [broken.caseNo]);
    try {
      const r = await office('/parts?limit=100', tokens.officer);
      expect(r.status).toBe(200);
      const ids = (r.body as { items: InboxItem[] }).items.map((i) => i.partId);
      expect(ids).toContain(fine.partId);
      expect(ids).not.toContain(broken.partId);
      expect((await office(`/parts/${broken.partId}`, tokens.officer)).status).toBe(404);
    } finally {
      await db.query(`UPDATE "${schema}".biz_case SET bundle_version = 1 WHERE case_no = $1`, [broken.caseNo]);
    }
  });

  it('the clock: a special procedure pauses it (sweeps pass the part by, no step is taken), resuming moves the due days by the working days paused; an extension within the legal limit, with its reason', async () => {
    const caseNo = await applyNewborn();
    const item = await waitingPart(caseNo);
    await office(`/parts/${item.partId}/actions`, tokens.officer, { body: { action: '受理' } });
    const clockOf = async () => (await office(`/parts/${item.partId}`, tokens.officer)).body.clock as Record<string, unknown>;
    const before = await clockOf();
    expect(before).toMatchObject({ pausedAt: null, pausedWorkingDays: 0, extendedDays: 0, dueOn: expect.any(String) });
    const clock = (op: string, token: string | null, body: unknown = {}) => office(`/parts/${item.partId}/clock/${op}`, token, { body });
    for (const body of [{ reason: '休假', note: '不是特别程序' }, { reason: '专家评审' }, { reason: '专家评审', note: 'x' }, {}])
      expect((await clock('pause', tokens.officer, body)).status).toBe(400);
    expect((await clock('pause', tokens.police, { reason: '专家评审', note: '专家论证' })).status).toBe(404);
    expect((await clock('pause', tokens.supervisor, { reason: '专家评审', note: '专家论证' })).body.code).toBe('ROLE_NOT_ALLOWED');
    expect((await clock('pause', null, { reason: '专家评审', note: '专家论证' })).status).toBe(401);
    expect((await clock('resume', tokens.officer)).body.code).toBe('CLOCK_NOT_PAUSED');
    const paused = await clock('pause', tokens.officer, { reason: '专家评审', note: '组织产科专家论证出生时间' });
    expect(paused.body).toMatchObject({ pauseReason: '专家评审', pausedAt: expect.any(String) });
    expect((await clock('pause', tokens.officer, { reason: '公示', note: '公示五日' })).body.code).toBe('CLOCK_PAUSED');
    expect((await office(`/parts/${item.partId}/actions`, tokens.officer, { body: { action: '办结' } })).body.code).toBe('CLOCK_PAUSED');
    // A month on, the sweeps still pass the paused part by: no overdue report, no step breach.
    const db = business.app.get(DataSource);
    const schema = business.definition.schema;
    await business.app.get(SweepStepLimits).execute(new Date(Date.now() + 30 * 86_400_000));
    await business.app.get(SweepPartDeadlines).execute(new Date(Date.now() + 30 * 86_400_000));
    const row = async () =>
      (
        (await db.query(
          `SELECT overdue_at, state_breached_at, state_warned_at, clock_paused_at FROM "${schema}".biz_case_part WHERE id = $1`,
          [item.partId],
        )) as Record<string, Date | null>[]
      )[0]!;
    expect(await row()).toMatchObject({ overdue_at: null, state_breached_at: null, state_warned_at: null });
    // Paused a week ago (as if): resuming moves the part's and the step's due days by the working days since.
    await db.query(`UPDATE "${schema}".biz_case_part SET clock_paused_at = clock_paused_at - interval '7 days' WHERE id = $1`, [
      item.partId,
    ]);
    const resumed = (await clock('resume', tokens.officer)).body as { dueOn: string; stepDueOn: string; pausedWorkingDays: number };
    expect(resumed.pausedWorkingDays).toBeGreaterThanOrEqual(3);
    expect(resumed.dueOn > (before['dueOn'] as string)).toBe(true);
    expect(resumed.stepDueOn > (before['stepDueOn'] as string)).toBe(true);
    expect((await clockOf())['pausedAt']).toBeNull();
    // 延期: legal 5, committed 1 working days → at most 4, with a reason; each day on the timeline.
    expect((await clock('extend', tokens.officer, { days: 5, reason: '需补充调查' })).body.code).toBe('EXTENSION_NOT_ALLOWED');
    for (const body of [
      { days: 0, reason: '需补充调查' },
      { days: 2 },
      { days: 1.5, reason: '需补充调查' },
      { days: '2', reason: '需补充调查' },
    ])
      expect((await clock('extend', tokens.officer, body)).status).toBe(400);
    const extended = (await clock('extend', tokens.officer, { days: 3, reason: '需补充调查' })).body as {
      dueOn: string;
      extendedDays: number;
    };
    expect(extended).toMatchObject({ extendedDays: 3 });
    expect(extended.dueOn > resumed.dueOn).toBe(true);
    expect((await clock('extend', tokens.officer, { days: 2, reason: '再延' })).body.code).toBe('EXTENSION_NOT_ALLOWED');
    const timeline = ((await getJson(internal(`/cases/${caseNo}`), INTERNAL)).body as { timeline: { kind: string; message: string }[] })
      .timeline;
    expect(timeline.filter((e) => ['clock-paused', 'clock-resumed', 'clock-extended'].includes(e.kind)).map((e) => e.kind)).toEqual([
      'clock-paused',
      'clock-resumed',
      'clock-extended',
    ]);
    expect(timeline.find((e) => e.kind === 'clock-extended')!.message).toContain('需补充调查');
    // The clock runs again: the part can be finished.
    expect(
      (
        await office(`/parts/${item.partId}/actions`, tokens.officer, {
          body: { action: '办结', outputs: [{ code: 'BIRTH-CERT', reference: 'Q1' }] },
        })
      ).body,
    ).toMatchObject({ status: 'approved' });
    expect((await clock('pause', tokens.officer, { reason: '公示', note: '公示五日' })).body.code).toBe('PART_CLOSED');
  });

  it('告知承诺事后核查: a data check after delivery (yes or no, in the company’s log); a failed one opens a revocation the department decides; a broken commitment revokes the licence and writes a credit record', async () => {
    const FIRE = '11320100MB5678901E4000108000';
    const REGISTRATION = '11320100MB0987654C4000101000';
    const plan = ((await getJson(internal('/bundles/JS-YJS-KBCYD'), INTERNAL)).body as { plan: { form: Field[] } }).plan;
    const PREMISES_FIELD = `company.${FIRE}:csdz`;
    const restaurant = async (applicant: { id: string; name: string }, premises = '南京市秦淮区测试路1号') => {
      const form = Object.fromEntries(
        plan.form.map((f) => [
          f.id,
          { string: '测试值', number: 10, citizenId: parent.id, creditCode: applicant.id, phone: '13800138000', code: f.codeList?.[0] }[
            f.type
          ],
        ]),
      );
      form[PREMISES_FIELD] = premises;
      const r = await post(
        internal('/applications'),
        {
          bundleCode: 'JS-YJS-KBCYD',
          applicant,
          form,
          materials: Object.fromEntries(
            ['ARTICLES', 'LAYOUT', 'SIGN-DESIGN', 'FOOD-SAFETY-RULES'].map((x) => [x, { fileId: `file-${x}` }]),
          ),
          committed: ['PREMISES', 'FIRE-COMMITMENT'],
          commitmentSigned: true,
        },
        WINDOW,
      );
      expect(r.status).toBe(201);
      const caseNo = (r.body as CaseView).caseNo;
      return eventually(async () => {
        const c = (await getJson(internal(`/cases/${caseNo}`), INTERNAL)).body as CaseView & {
          delivery: Delivery;
          notice: { commitments: { material: string; verification: { matterCode: string; method: string; status: string }[] }[] };
          timeline: { kind: string; matterCode: string | null }[];
        };
        expect({ caseNo, status: c.status, delivery: c.delivery.status, error: c.delivery.error }).toEqual({
          caseNo,
          status: 'completed',
          delivery: 'delivered',
          error: null,
        });
        return c;
      }, 60_000);
    };
    // A company without an inspection record, and the demo restaurant whose inspection passed (SEED_DEMO).
    const uncheckedId = generateCreditCode({ regionCode: '320100', organisationBody: 'MA1CB5F1' });
    const unchecked = await restaurant({ id: uncheckedId, name: '南京未检餐饮有限公司' });
    // (The inspection record is for these premises: the check matches the application's address too.)
    const inspected = await restaurant({ id: DEMO_COMPANIES[1].id, name: DEMO_COMPANIES[1].name }, '南京市玄武区中山路18号');
    // The demo tech company: an inspection record, but it failed.
    const failedInspection = await restaurant({ id: DEMO_COMPANIES[0].id, name: DEMO_COMPANIES[0].name }, '南京市建邺区江东中路99号');
    // A check the data platform refuses (here: matching on an item the platform's grant does not cover) is left to the department.
    const refused = await restaurant({
      id: generateCreditCode({ regionCode: '320100', organisationBody: 'MA1CC6G2' }),
      name: '南京拒查餐饮有限公司',
    });
    await business.app.get(DataSource).query(
      `UPDATE "${business.definition.schema}".biz_case_commitment v SET check_spec = jsonb_set(check_spec, '{equals}', '{"jcrq": "2026-02-10"}')
           FROM "${business.definition.schema}".biz_case c WHERE c.id = v.case_id AND c.case_no = $1 AND v.method = 'data-check'`,
      [refused.caseNo],
    );
    expect([...unchecked.notice.commitments].sort((a, b) => a.material.localeCompare(b.material))).toEqual([
      {
        material: 'FIRE-COMMITMENT',
        name: '消防安全告知承诺书',
        verification: [expect.objectContaining({ matterCode: FIRE, method: 'data-check', status: 'pending' })],
      },
      {
        material: 'PREMISES',
        name: '住所使用证明',
        verification: [expect.objectContaining({ matterCode: REGISTRATION, method: 'inspection', status: 'pending' })],
      },
    ]);
    const licence = unchecked.delivery.licences.find((l) => l.matterCode === REGISTRATION)!;
    expect(licence).toBeDefined();

    const fireOfficer = await provision('xf-officer', '南京市消防救援支队', ['acceptor', 'approver']);
    const marketOfficer = await provision('scjg-officer', '南京市市场监督管理局', ['acceptor', 'approver']);
    const partOf = async (caseNo: string, matter: string, token: string) =>
      (
        (await office(`/commitments?box=all&limit=100`, token)).body as {
          items: { partId: string; caseNo: string; matterCode: string; material: string; status: string }[];
        }
      ).items.find((x) => x.caseNo === caseNo && x.matterCode === matter);
    const decide = (partId: string, material: string, token: string | null, body: unknown) =>
      office(`/parts/${partId}/commitments/${material}`, token, { body });

    // Not yet checked: nothing for the fire brigade to decide (409); the check waits for its 30 days.
    const firePart = (await partOf(unchecked.caseNo, FIRE, fireOfficer))!;
    expect(firePart).toMatchObject({ material: 'FIRE-COMMITMENT', status: 'pending' });
    expect(
      (await decide(firePart.partId, 'FIRE-COMMITMENT', fireOfficer, { decision: 'kept', reason: '现场检查合格' })).body,
    ).toMatchObject({
      status: 409,
      code: 'COMMITMENT_NOT_OPEN',
    });
    const sweep = business.app.get(VerifyCommitments);
    const early = await sweep.execute(new Date());
    expect(early.passed + early.failed).toBe(0);
    const later = new Date(Date.now() + 31 * 86_400_000);
    expect(await sweep.execute(later)).toMatchObject({ passed: 1, failed: 2, unverifiable: 1, retried: 0 });
    expect(await sweep.execute(later)).toMatchObject({ passed: 0, failed: 0, unverifiable: 0 }); // once
    const after = async (caseNo: string) =>
      (await getJson(internal(`/cases/${caseNo}`), INTERNAL)).body as {
        notice: { commitments: { material: string; verification: { status: string; reason: string | null }[] }[] };
        timeline: { kind: string; matterCode: string | null }[];
      };
    expect((await after(inspected.caseNo)).notice.commitments.find((x) => x.material === 'FIRE-COMMITMENT')!.verification[0]!.status).toBe(
      'passed',
    );
    const failed = await after(unchecked.caseNo);
    expect(failed.notice.commitments.find((x) => x.material === 'FIRE-COMMITMENT')!.verification[0]!.status).toBe('failed');
    expect(
      (await after(failedInspection.caseNo)).notice.commitments.find((x) => x.material === 'FIRE-COMMITMENT')!.verification[0]!.status,
    ).toBe('failed');
    const refusedView = await after(refused.caseNo);
    expect(refusedView.notice.commitments.find((x) => x.material === 'FIRE-COMMITMENT')!.verification[0]!.status).toBe('unverifiable');
    expect(refusedView.timeline.filter((e) => e.kind === 'commitment-unverifiable')).toHaveLength(1);
    expect(failed.timeline.filter((e) => e.kind === 'commitment-check-failed')).toHaveLength(1);
    // The check read yes or no under the platform's own grant, and is in each company's "who used my data".
    const reads = (await data.app
      .get(DataSource)
      .query(
        `SELECT case_id, outcome, app FROM "${data.definition.schema}".data_access_record WHERE resource = 'JS-XF-JC-0001' AND case_id = ANY($1)`,
        [[unchecked.caseNo, inspected.caseNo, failedInspection.caseNo, refused.caseNo]],
      )) as { case_id: string; outcome: string; app: string }[];
    expect(reads.map((r) => `${r.case_id}:${r.outcome}:${r.app}`).sort()).toEqual(
      [
        `${inspected.caseNo}:READ:business-platform`,
        `${unchecked.caseNo}:READ:business-platform`,
        `${failedInspection.caseNo}:READ:business-platform`,
        `${refused.caseNo}:REFUSED:business-platform`,
      ].sort(),
    );

    // The open revocation: in the fire brigade's list, nobody else's; decided by its approvers, within scope, once.
    const open = ((await office('/commitments', fireOfficer)).body as { items: { caseNo: string; material: string; status: string }[] })
      .items;
    expect(open).toEqual(expect.arrayContaining([expect.objectContaining({ caseNo: unchecked.caseNo, material: 'FIRE-COMMITMENT' })]));
    expect(
      ((await office('/commitments', tokens.officer)).body as { items: { caseNo: string }[] }).items.some(
        (x) => x.caseNo === unchecked.caseNo,
      ),
    ).toBe(false);
    expect((await office('/commitments', null)).status).toBe(401);
    expect((await office('/commitments?box=mine', fireOfficer)).status).toBe(400);
    for (const body of [
      { decision: 'maybe', reason: 'x' },
      { decision: 'kept' },
      { decision: 'kept', reason: '' },
      { decision: 'broken', reason: 'x'.repeat(501) },
    ])
      expect((await decide(firePart.partId, 'FIRE-COMMITMENT', fireOfficer, body)).status).toBe(400);
    expect((await decide(firePart.partId, 'NO-SUCH', fireOfficer, { decision: 'kept', reason: 'x' })).body).toMatchObject({
      status: 404,
      code: 'COMMITMENT_NOT_FOUND',
    });
    expect((await decide(firePart.partId, '..%2Fetc', fireOfficer, { decision: 'kept', reason: 'x' })).status).toBe(404);
    expect((await decide(firePart.partId, 'FIRE-COMMITMENT', tokens.police, { decision: 'broken', reason: 'x' })).status).toBe(404);
    expect((await decide(firePart.partId, 'FIRE-COMMITMENT', tokens.supervisor, { decision: 'broken', reason: 'x' })).body).toMatchObject({
      status: 403,
      code: 'ROLE_NOT_ALLOWED',
    });
    expect((await decide(firePart.partId, 'FIRE-COMMITMENT', tokens.citizen, { decision: 'broken', reason: 'x' })).status).toBe(403);
    const upheld = await decide(firePart.partId, 'FIRE-COMMITMENT', fireOfficer, { decision: 'kept', reason: '已补做现场检查，合格' });
    expect(upheld.body).toMatchObject({ material: 'FIRE-COMMITMENT', status: 'upheld', reason: '已补做现场检查，合格' });
    expect((await decide(firePart.partId, 'FIRE-COMMITMENT', fireOfficer, { decision: 'broken', reason: 'x' })).status).toBe(409);
    // The check the data platform refused is in the fire brigade's open box; its inspection passes it.
    expect(open).toEqual(expect.arrayContaining([expect.objectContaining({ caseNo: refused.caseNo, status: 'unverifiable' })]));
    const refusedPart = (await partOf(refused.caseNo, FIRE, fireOfficer))!;
    expect(
      (await decide(refusedPart.partId, 'FIRE-COMMITMENT', fireOfficer, { decision: 'kept', reason: '现场检查合格' })).body,
    ).toMatchObject({
      status: 'passed',
    });

    // The market regulator's inspection finds the premises commitment untrue: the business licence is revoked, a credit record written.
    const premisesPart = (await partOf(unchecked.caseNo, REGISTRATION, marketOfficer))!;
    const broken = await decide(premisesPart.partId, 'PREMISES', marketOfficer, { decision: 'broken', reason: '现场核查：住所不存在' });
    expect(broken.body).toMatchObject({
      material: 'PREMISES',
      method: 'inspection',
      status: 'revoked',
      revocationDoneAt: expect.any(String),
    });
    const status = (
      await techQuery(`SELECT status FROM "${tech.definition.schema}".licence WHERE licence_id = $1`, [licence.licenceId])
    )[0];
    expect(status).toEqual({ status: 'revoked' });
    const credit = await eventually(async () => {
      const rows = (await data.app
        .get(DataSource)
        .query(
          `SELECT "values", source_department, key_masked FROM "${data.definition.schema}".data_record WHERE resource_code = 'JS-ZWB-XY-0002'`,
        )) as {
        values: Record<string, string>;
        source_department: string;
        key_masked: string;
      }[];
      const mine = rows.filter((r) => r.values['bjbh'] === unchecked.caseNo);
      return mine.length > 0 ? mine : null;
    }, 30_000);
    expect(credit).toEqual([
      {
        source_department: '省政务服务管理办公室',
        // The record's key is its number (case, matter, material), kept masked; the company links it to its profile.
        key_masked: expect.stringMatching(/^YJ\*+ES$/),
        values: expect.objectContaining({
          tyshxydm: uncheckedId,
          clmc: '住所使用证明',
          rdbm: '南京市市场监督管理局',
          sxyy: '现场核查：住所不存在',
          sxbm: REGISTRATION,
          cnrq: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
          rdrq: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        }),
      },
    ]);
    expect(credit![0]!.values['sfzh']).toBeUndefined();
    const kinds = (await after(unchecked.caseNo)).timeline.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'commitment-broken')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'licence-revoked')).toHaveLength(1);
    // The sweep finds nothing left to revoke; the licence was revoked once (one use of the issuing seal for it).
    expect((await sweep.execute(later)).revocationsDone).toBe(0);
    const sealUses = await techQuery(
      `SELECT count(*)::int AS n FROM "${tech.definition.schema}".seal_use WHERE correlation_id = $1 AND purpose LIKE '告知承诺不实%'`,
      [unchecked.caseNo],
    );
    expect(sealUses).toEqual([{ n: 1 }]);
  }, 180_000);
});
