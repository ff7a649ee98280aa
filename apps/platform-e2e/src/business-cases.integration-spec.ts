import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { CasePartDecidedEvent } from '@gmp/contracts';
import { businessPlatformService, DecidePart, SweepPartDeadlines, SweepSupplements } from '@gmp/feature-business';
import { dataPlatformService } from '@gmp/feature-data';
import { techCapabilitiesService } from '@gmp/feature-tech';
import { DEMO_CITIZENS, generateCitizenId, generateCreditCode } from '@gmp/gov-standards';
import { type RunningService, startService } from '@gmp/service-kit';
import { eventually, inOwnSchema, integrationEnv } from '@gmp/testing';
import { getJson, INTERNAL, post } from './dispatch-client.js';

type Field = { id: string; type: string; source: string; required: boolean; codeList?: string[] };
type CaseView = {
  caseNo: string;
  status: string;
  committedDueOn: string;
  notice: {
    supplements: { material: string; status: string }[];
    commitments: { material: string }[];
    exempt: { material: string; how: string }[];
  };
  parts: {
    matterCode: string;
    department: string;
    stage: number;
    status: string;
    dispatchedAt: string | null;
    decidedAt: string | null;
    outputs: unknown[];
  }[];
  timeline: { kind: string; matterCode: string | null; message: string }[];
};

/**
 * 一件事 cases over real Kafka and PostgreSQL (业务中台 with the data platform and the calendar of
 * tech-capabilities): one application, one case number, parts dispatched to departments in
 * dependency order as the simulated department approves them over Kafka, one timeline; every
 * missing thing answered at once; 容缺 keeping the output back; idempotent submissions; a
 * department's rejection stopping the other parts under `stop-all`.
 */
describe('business platform: applications and cases (一件事)', () => {
  let tech: RunningService;
  let data: RunningService;
  let business: RunningService;
  const WINDOW = { ...INTERNAL, 'x-caller': 'window@maternity-hospital' };
  const url = (path: string) => `${business.url}/internal/v1/business${path}`;
  const FUND = '南京住房公积金管理中心';
  const parent = { id: generateCitizenId({ regionCode: '320102', birthDate: '1992-03-04', sequence: 17 }), name: '王五' };
  const company = { id: generateCreditCode({ regionCode: '320100', organisationBody: 'MA1CA4E0' }), name: '南京测试餐饮有限公司' };

  const planOf = async (code: string) =>
    ((await getJson(url(`/bundles/${code}`), INTERNAL)).body as { plan: { form: Field[]; matters: { code: string; after: string[] }[] } })
      .plan;
  /** A valid value for every field the applicant must type. */
  /** A typed value for every field: the test's applicants are not in the base libraries (verified values would stand over these). */
  const formFor = (fields: Field[]) =>
    Object.fromEntries(
      fields.map((f) => [
        f.id,
        {
          string: '测试值',
          number: 10,
          boolean: true,
          date: '2026-11-30',
          datetime: '2026-11-30T08:15:00+08:00',
          citizenId: parent.id,
          creditCode: company.id,
          phone: '13800138000',
          code: f.codeList?.[0],
        }[f.type],
      ]),
    );
  const apply = (body: object, headers: Record<string, string> = WINDOW) => post(url('/applications'), body, headers);
  const caseOf = async (caseNo: string) => (await getJson(url(`/cases/${caseNo}`), INTERNAL)).body as CaseView;

  beforeAll(async () => {
    tech = await startService(inOwnSchema(techCapabilitiesService), integrationEnv());
    data = await startService(inOwnSchema(dataPlatformService), integrationEnv());
    business = await startService(
      inOwnSchema(businessPlatformService),
      integrationEnv({ BUSINESS_SIMULATED_DEPARTMENTS: 'true', BUSINESS_SIMULATED_DELAY_MS: '0', BUSINESS_SIMULATED_EXCEPT: FUND }),
    );
    await eventually(async () => {
      const listed = ((await getJson(url('/bundles'), INTERNAL)).body as { bundles: unknown[] }).bundles;
      expect(listed).toHaveLength(4);
      return listed;
    }, 60_000);
  }, 180_000);

  afterAll(async () => {
    await business?.close();
    await data?.close();
    await tech?.close();
  });

  it('新生儿出生: one application with nothing uploaded; eight parts dispatched in dependency order and approved; one timeline', async () => {
    const plan = await planOf('JS-YJS-XSECS');
    const r = await apply({ bundleCode: 'JS-YJS-XSECS', applicant: parent, form: formFor(plan.form) });
    expect(r.status).toBe(201);
    const first = r.body as CaseView;
    expect(first.caseNo).toMatch(/^YJS\d{14}$/);
    expect(first.notice.exempt.find((x) => x.material === 'BIRTH-CERT')).toEqual({
      material: 'BIRTH-CERT',
      name: '出生医学证明',
      how: 'produced',
    });
    expect(
      first.parts.filter((p) => p.stage > 0).every((p) => p.status === 'waiting' || p.status === 'dispatched' || p.status === 'approved'),
    ).toBe(true);
    const done = await eventually(async () => {
      const c = await caseOf(first.caseNo);
      expect(c.status).toBe('completed');
      return c;
    }, 60_000);
    expect(done.parts.map((p) => p.status)).toEqual(Array(8).fill('approved'));
    // Each part was dispatched only after every part it depends on was approved.
    const byCode = new Map(done.parts.map((p) => [p.matterCode, p]));
    for (const m of plan.matters)
      for (const dep of m.after)
        expect(Date.parse(byCode.get(m.code)!.dispatchedAt!)).toBeGreaterThanOrEqual(Date.parse(byCode.get(dep)!.decidedAt!));
    const kinds = done.timeline.map((e) => e.kind);
    expect(kinds[0]).toBe('submitted');
    expect(kinds.filter((k) => k === 'dispatched')).toHaveLength(8);
    expect(kinds.filter((k) => k === 'approved')).toHaveLength(8);
    expect(kinds.at(-1)).toBe('completed');
    expect(done.parts.every((p) => p.outputs.length === 1)).toBe(true);
  }, 90_000);

  it('免填写: the applicant’s own data (here the mother) prefilled from the population library under the platform’s own grant, with provenance, in her “who used my data”; verified values stand over typed ones; nobody else’s data is read on a typed number', async () => {
    const [, li, wang] = DEMO_CITIZENS;
    const plan = await planOf('JS-YJS-XSECS');
    const prefillable = plan.form.filter((f) => f.source === 'prefill').map((f) => f.id);
    expect(prefillable).toEqual(expect.arrayContaining(['mother.DE00001', 'mother.DE00002', 'father.DE00002']));
    const typed = { ...formFor(plan.form), 'mother.DE00002': '错误的名字' };
    const r = await apply({
      bundleCode: 'JS-YJS-XSECS',
      applicant: { id: wang.id, name: wang.name },
      subjects: { mother: wang.id },
      form: typed,
    });
    expect(r.status).toBe(201);
    const c = r.body as CaseView & {
      prefilled: { field: string; resourceCode: string; department: string }[];
      notPrefilled: { field: string; reason: string }[];
    };
    const byField = Object.fromEntries(c.prefilled.map((p) => [p.field, p]));
    expect(byField['mother.DE00001']).toMatchObject({ resourceCode: 'JS-GA-RK-0001', department: '省公安厅' });
    expect(byField['father.DE00002']).toBeUndefined();
    // The newborn has no ID and the father is not the applicant: their fields are not prefilled, and the case says why.
    expect(c.notPrefilled.filter((m) => /^(newborn|father)\./.test(m.field)).every((m) => m.reason === 'NO_SUBJECT')).toBe(true);
    expect(c.notPrefilled.map((m) => m.field)).toEqual(expect.arrayContaining(['father.DE00002']));
    expect(c.timeline.find((e) => e.kind === 'prefilled')!.message).toContain('人口基本信息');
    const stored = (
      await business.app.get(DataSource).query(`SELECT form FROM "${business.definition.schema}".biz_case WHERE case_no = $1`, [c.caseNo])
    )[0].form as Record<string, unknown>;
    expect(stored).toMatchObject({
      'mother.DE00001': wang.id,
      'mother.DE00002': wang.name,
    });
    expect(stored['father.DE00002']).not.toBe(li.name);
    // Her data-use log names the business platform, the case and the grant it read under; his has nothing from it.
    const usage = async (id: string) =>
      (
        (await post(`${data.url}/internal/v1/data-access/records/search`, { holderType: 'person', holderId: id }, INTERNAL)).body as {
          records: { app: string; caseId: string; legalBasis: string; processing: string }[];
        }
      ).records.filter((x) => x.app === 'business-platform');
    expect((await usage(wang.id)).filter((x) => x.caseId === c.caseNo)).toEqual([
      expect.objectContaining({ processing: 'data-prefill', legalBasis: expect.stringMatching(/^grant:/) }),
    ]);
    // Another person's number (the father's), a subject the bundle's form is not about, an ID that is not one: answered at once, nothing read or stored.
    const bad = await apply({
      bundleCode: 'JS-YJS-XSECS',
      applicant: { id: wang.id, name: wang.name },
      subjects: { father: li.id, uncle: wang.id, newborn: '123' },
      form: formFor(plan.form),
    });
    expect(bad.status).toBe(422);
    expect((bad.body as { errors: { field: string; message: string }[] }).errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'subjects.father', message: expect.stringContaining('applicant’s own data') }),
        expect.objectContaining({ field: 'subjects.uncle' }),
        expect.objectContaining({ field: 'subjects.newborn' }),
      ]),
    );
    expect(await usage(li.id)).toEqual([]);
  });

  it('answers everything missing or wrong at once (一次告知), storing nothing', async () => {
    const plan = await planOf('JS-YJS-XSECS');
    const entered = plan.form.filter((f) => f.source === 'entered' && f.required);
    const r = await apply({
      bundleCode: 'JS-YJS-XSECS',
      applicant: { id: `${parent.id.slice(0, 17)}${parent.id.endsWith('0') ? '1' : '0'}`, name: '王五' },
      form: { 'nobody.DE99999': 'x', [entered[0]!.id]: '' },
      materials: { 'BIRTH-CERT': { fileId: 'f1' } },
      deferred: ['MARRIAGE-CERT'],
    });
    expect(r.status).toBe(422);
    const fields = (r.body as { errors: { field: string }[] }).errors.map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'applicant.id',
        'form.nobody.DE99999',
        ...entered.map((f) => `form.${f.id}`),
        'materials.BIRTH-CERT',
        'materials.MARRIAGE-CERT',
        'commitmentSigned',
      ]),
    );
    // Every entered field right, but the required fields the data platform holds left to it — and it has no record of this
    // applicant: each is asked for at once, with why (and nothing stored).
    const prefillable = plan.form.filter((f) => f.source === 'prefill' && f.required);
    expect(prefillable.length).toBeGreaterThan(0);
    const onlyEntered = Object.fromEntries(Object.entries(formFor(plan.form)).filter(([id]) => !prefillable.some((f) => f.id === id)));
    const unfilled = await apply({ bundleCode: 'JS-YJS-XSECS', applicant: parent, form: onlyEntered });
    expect(unfilled.status).toBe(422);
    const asked = (unfilled.body as { errors: { field: string; message: string }[] }).errors;
    expect(asked.map((e) => e.field).sort()).toEqual(prefillable.map((f) => `form.${f.id}`).sort());
    expect(asked.every((e) => /NO_RECORD|NO_SUBJECT|NO_VALUE/.test(e.message))).toBe(true);
    expect((await apply({ bundleCode: 'JS-YJS-NONE', applicant: parent, form: {} })).status).toBe(404);
    expect((await apply({ bundleCode: 'JS-YJS-XSECS', applicant: parent, form: [] })).status).toBe(400);
    expect((await apply({ bundleCode: 'JS-YJS-XSECS', applicant: parent, form: {} }, INTERNAL)).status).toBe(400);
  });

  it('refuses an application for a retired version (409) or a version that does not exist (404)', async () => {
    const yaml = (v: number) =>
      `code: JS-YJS-RETIRE\nversion: ${v}\nname: 停用测试\nkind: free\ntarget: person\nonRejection: continue\nmatters:\n  - matter: '11320100MB1234567X4000001000'\n`;
    const publish = (v: number) =>
      fetch(url('/bundles'), { method: 'POST', headers: { ...WINDOW, 'content-type': 'application/yaml' }, body: yaml(v) }).then(
        (x) => x.status,
      );
    expect(await publish(1)).toBe(201);
    expect(await publish(2)).toBe(201);
    expect((await post(url('/bundles/JS-YJS-RETIRE/versions/1/retire'), { reason: '已由第 2 版取代' }, WINDOW)).status).toBe(200);
    const plan = await planOf('JS-YJS-RETIRE');
    const body = { bundleCode: 'JS-YJS-RETIRE', applicant: parent, form: formFor(plan.form) };
    expect((await apply({ ...body, bundleVersion: 1 })).body).toMatchObject({ status: 409, code: 'BUNDLE_RETIRED' });
    expect((await apply({ ...body, bundleVersion: 7 })).status).toBe(404);
    expect((await apply(body)).body).toMatchObject({ bundleVersion: 2 });
  });

  it('takes a repeat with the same Idempotency-Key as the same case, and refuses the key for another application', async () => {
    const plan = await planOf('JS-YJS-XSECS');
    const body = { bundleCode: 'JS-YJS-XSECS', applicant: parent, form: formFor(plan.form) };
    const key = { ...WINDOW, 'idempotency-key': `window-${randomUUID()}` };
    const [a, b] = await Promise.all([apply(body, key), apply(body, key)]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect((a.body as CaseView).caseNo).toBe((b.body as CaseView).caseNo);
    expect((await apply({ ...body, applicant: { ...parent, name: '王六' } }, key)).status).toBe(409);
    expect((await apply(body, { ...WINDOW, 'idempotency-key': 'short' })).status).toBe(400);
  });

  it('容缺: accepts the restaurant without its food-safety rules against the signed commitment; the output waits for the supplement', async () => {
    const plan = await planOf('JS-YJS-KBCYD');
    const body = {
      bundleCode: 'JS-YJS-KBCYD',
      applicant: company,
      form: formFor(plan.form),
      materials: { ARTICLES: { fileId: 'file-articles' }, LAYOUT: { fileId: 'file-layout' }, 'SIGN-DESIGN': { fileId: 'file-sign' } },
      committed: ['PREMISES', 'FIRE-COMMITMENT'],
      deferred: ['FOOD-SAFETY-RULES'],
      commitmentSigned: true,
    };
    expect(
      (await apply({ ...body, deferred: ['LAYOUT'], materials: { ARTICLES: { fileId: 'a1' }, 'SIGN-DESIGN': { fileId: 's1' } } })).body,
    ).toMatchObject({
      status: 422,
      errors: expect.arrayContaining([expect.objectContaining({ field: 'materials.LAYOUT' })]),
    });
    expect((await apply({ ...body, commitmentSigned: false })).status).toBe(422);
    const r = await apply(body);
    expect(r.status).toBe(201);
    const c = r.body as CaseView;
    expect(c.notice.supplements).toEqual([expect.objectContaining({ material: 'FOOD-SAFETY-RULES', status: 'open' })]);
    expect(c.notice.commitments.map((x) => x.material).sort()).toEqual(['FIRE-COMMITMENT', 'PREMISES']);
    const done = await eventually(async () => {
      const v = await caseOf(c.caseNo);
      expect(v.status).toBe('awaiting-supplements');
      return v;
    }, 60_000);
    expect(done.parts.map((p) => p.status)).toEqual(Array(4).fill('approved'));
    // The supplement handed in releases the outputs; twice, or an unknown one, is refused.
    const supply = (material: string, caseNo = c.caseNo) =>
      post(url(`/cases/${caseNo}/supplements/${material}`), { fileId: 'file-rules' }, WINDOW);
    expect((await supply('LAYOUT')).status).toBe(404);
    expect((await supply('FOOD-SAFETY-RULES', 'YJS00000000000000')).status).toBe(404);
    expect((await post(url(`/cases/${c.caseNo}/supplements/FOOD-SAFETY-RULES`), { fileId: '../etc' }, WINDOW)).status).toBe(400);
    const supplied = await supply('FOOD-SAFETY-RULES');
    expect(supplied.body).toMatchObject({
      status: 'completed',
      notice: { supplements: [{ material: 'FOOD-SAFETY-RULES', status: 'supplied' }] },
    });
    expect((await supply('FOOD-SAFETY-RULES')).status).toBe(409);
    // Another one left open past its due day: the sweep (in PostgreSQL, SKIP LOCKED) expires it and stops the case.
    const late = (await apply(body)).body as CaseView;
    await eventually(async () => {
      const v = await caseOf(late.caseNo);
      expect(v.status).toBe('awaiting-supplements');
      return v;
    }, 60_000);
    // Two working days before its due day the applicant is reminded, once (the restaurant's form gave no phone: timeline only).
    const remindOn = (
      await business.app
        .get(DataSource)
        .query(
          `SELECT s.remind_on, s.due_on FROM "${business.definition.schema}".biz_case_supplement s JOIN "${business.definition.schema}".biz_case c ON c.id = s.case_id WHERE c.case_no = $1`,
          [late.caseNo],
        )
    )[0] as { remind_on: string; due_on: string };
    expect(remindOn.remind_on < remindOn.due_on).toBe(true);
    const sweep = business.app.get(SweepSupplements);
    expect(await sweep.remind(new Date(`${remindOn.remind_on}T00:30:00+08:00`))).toBeGreaterThanOrEqual(1);
    await sweep.remind(new Date(`${remindOn.remind_on}T00:30:00+08:00`));
    expect((await caseOf(late.caseNo)).timeline.filter((e) => e.kind === 'supplement-reminder')).toHaveLength(1);
    expect((await caseOf(c.caseNo)).timeline.filter((e) => e.kind === 'supplement-reminder')).toHaveLength(0); // supplied before
    const expired = await business.app.get(SweepSupplements).execute(new Date(Date.now() + 60 * 86_400_000));
    expect(expired).toBeGreaterThanOrEqual(1);
    const stopped = await caseOf(late.caseNo);
    expect(stopped).toMatchObject({ status: 'stopped', notice: { supplements: [{ status: 'expired' }] } });
    expect(stopped.timeline.map((e) => e.kind).slice(-2)).toEqual(['supplement-expired', 'stopped']);
    expect((await supply('FOOD-SAFETY-RULES', late.caseNo)).status).toBe(409);
    expect(await business.app.get(SweepSupplements).execute(new Date(Date.now() + 60 * 86_400_000))).toBe(0);
  }, 90_000);

  it('企业开办 (stop-all): a department that refuses settles the case; only the part’s department decides it, once', async () => {
    const plan = await planOf('JS-YJS-QYKB');
    const r = await apply({
      bundleCode: 'JS-YJS-QYKB',
      applicant: company,
      form: formFor(plan.form),
      materials: { ARTICLES: { fileId: 'a' }, PREMISES: { fileId: 'p' } },
    });
    expect(r.status).toBe(201);
    const caseNo = (r.body as CaseView).caseNo;
    // Every simulated department answers; the housing fund centre's own system has not yet.
    const waiting = await eventually(async () => {
      const v = await caseOf(caseNo);
      expect(v.parts.filter((p) => p.status === 'approved')).toHaveLength(5);
      return v.parts.find((p) => p.department === FUND)!;
    }, 60_000);
    expect(waiting.status).toBe('dispatched');
    const [{ id: partId }] = (await business.app
      .get(DataSource)
      .query(
        `SELECT p.id FROM "${business.definition.schema}".biz_case_part p JOIN "${business.definition.schema}".biz_case c ON c.id = p.case_id WHERE c.case_no = $1 AND p.department = $2`,
        [caseNo, FUND],
      )) as { id: string }[];
    const decide = (patch: Partial<CasePartDecidedEvent>) =>
      business.app
        .get(DecidePart)
        .execute({
          meta: { messageId: randomUUID(), correlationId: randomUUID(), app: 'test', sentAt: new Date().toISOString() },
          partId: partId!,
          caseNo,
          matterCode: waiting.matterCode,
          department: FUND,
          decision: 'rejected',
          reason: '单位缴存比例超出规定范围',
          decidedAt: new Date().toISOString(),
          ...patch,
        })
        .then(
          (outcome) => outcome as string,
          (err: Error) => `refused: ${err.message}`,
        );
    expect(await decide({ department: '南京市公安局' })).toMatch(/^refused: .*不是该部分的办理部门/);
    expect(await decide({ partId: randomUUID() })).toMatch(/^refused: .*没有该部分/);
    expect(await decide({ reason: undefined })).toMatch(/^refused: .*理由/);
    expect(await decide({})).toBe('applied');
    expect(await decide({ decision: 'approved', reason: undefined })).toBe('already-decided');
    const settled = await caseOf(caseNo);
    expect(settled.status).toBe('partly-completed');
    expect(settled.parts.find((p) => p.department === FUND)).toMatchObject({ status: 'rejected' });
    expect(settled.timeline.at(-2)).toMatchObject({ kind: 'rejected', message: expect.stringContaining('单位缴存比例超出规定范围') });
  }, 90_000);

  it('reports a part still undecided after its due day once (超期上报), from a sweep in PostgreSQL', async () => {
    const plan = await planOf('JS-YJS-QYKB');
    const r = await apply({
      bundleCode: 'JS-YJS-QYKB',
      applicant: company,
      form: formFor(plan.form),
      materials: { ARTICLES: { fileId: 'a' }, PREMISES: { fileId: 'p' } },
    });
    const caseNo = (r.body as CaseView).caseNo;
    await eventually(async () => {
      const v = await caseOf(caseNo);
      expect(v.parts.filter((p) => p.status === 'approved')).toHaveLength(5);
      return v;
    }, 60_000);
    const sweep = business.app.get(SweepPartDeadlines);
    expect(await sweep.execute()).toBe(0); // not due yet
    // (The sweep counts every case's parts — other cases, such as the demo's apply-free ones, may be under way: this case's timeline says.)
    expect(await sweep.execute(new Date(Date.now() + 30 * 86_400_000))).toBeGreaterThanOrEqual(1);
    await sweep.execute(new Date(Date.now() + 31 * 86_400_000));
    const v = await caseOf(caseNo);
    expect(v.timeline.filter((e) => e.kind === 'overdue')).toHaveLength(1); // once
    expect(v.timeline.at(-1)).toMatchObject({ kind: 'overdue', message: expect.stringContaining('超过承诺期限') });
    expect(v.parts.find((p) => p.department === FUND)).toMatchObject({ status: 'dispatched' });
  }, 90_000);

  it('四减, computed: the catalogue’s figures beside what this spec’s real 新生儿出生 cases show (nothing handed in, prefilled fields, elapsed working days)', async () => {
    const plan = await planOf('JS-YJS-XSECS');
    const r = await getJson(url('/outcomes/JS-YJS-XSECS'), INTERNAL);
    expect(r.status).toBe(200);
    const o = r.body as {
      catalogue: {
        separately: { materials: number; committedDays: number };
        asBundle: { materials: number; committedDays: number };
        form: { fields: number };
      };
      cases: {
        measured: number;
        materialsUploaded: { mean: number; zeroShare: number };
        elapsedWorkingDays: { p50: number };
        fieldsPrefilledShare: { mean: number };
      };
    };
    expect(o.catalogue.form.fields).toBe(plan.form.length);
    expect(o.catalogue.asBundle.committedDays).toBeLessThan(o.catalogue.separately.committedDays);
    expect(o.catalogue.asBundle.materials).toBeLessThan(o.catalogue.separately.materials);
    // The cases settled above: nothing handed in, settled the day they were submitted; the demo mother's case prefilled.
    expect(o.cases.measured).toBeGreaterThanOrEqual(2);
    expect(o.cases.materialsUploaded).toMatchObject({ mean: 0, zeroShare: 1 });
    expect(o.cases.elapsedWorkingDays.p50).toBe(0);
    expect(o.cases.fieldsPrefilledShare.mean).toBeGreaterThan(0);
    const all = (await getJson(url('/outcomes'), INTERNAL)).body as { bundles: { bundleCode: string }[] };
    expect(all.bundles.map((b) => b.bundleCode).sort()).toEqual(expect.arrayContaining(['JS-YJS-KBCYD', 'JS-YJS-QYKB', 'JS-YJS-XSECS']));
    expect((await getJson(url('/outcomes/JS-YJS-NONE'), INTERNAL)).status).toBe(404);
    expect((await getJson(url('/outcomes/bad%20code'), INTERNAL)).status).toBe(404);
    expect((await getJson(url('/outcomes/JS-YJS-XSECS'), {})).status).toBe(401);
  });
});
