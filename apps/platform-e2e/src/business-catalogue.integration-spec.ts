import { dataPlatformService } from '@gmp/feature-data';
import { businessPlatformService, loadDemoCatalogue } from '@gmp/feature-business';
import { type RunningService, startService } from '@gmp/service-kit';
import { eventually, inOwnSchema, integrationEnv } from '@gmp/testing';
import { getJson, INTERNAL, putJson } from './dispatch-client.js';

/**
 * The business platform's matter catalogue and bundles (事项目录, 一件事) over real Kafka and
 * PostgreSQL: the demo bundles compiled against the data platform's catalogue (asked over
 * Kafka), YAML bundles published, versioned, refused with every compile error and retired,
 * matters versioned with the 三级四同 report, and malformed input answered with a 4xx.
 */
describe('business platform: matter catalogue and bundles', () => {
  let data: RunningService;
  let business: RunningService;
  const ADMIN = { ...INTERNAL, 'x-caller': 'catalogue@bureau' };
  const url = (path: string) => `${business.url}/internal/v1/business${path}`;
  const { matters } = loadDemoCatalogue();
  const M = (suffix: string) => matters.find((m) => m.code.endsWith(suffix))!.code;
  const send = async (path: string, body: string, contentType = 'application/yaml', headers: Record<string, string> = ADMIN) => {
    const res = await fetch(url(path), {
      method: 'POST',
      headers: Object.fromEntries(Object.entries({ ...headers, 'content-type': contentType }).filter(([, v]) => v !== '')),
      body,
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> };
  };
  const yaml = (version: number, list: string[], extra = '') =>
    `code: JS-YJS-TEST\nversion: ${version}\nname: 测试组合\nkind: free\ntarget: person\nonRejection: continue\n${extra}matters:\n${list
      .map((m) => `  - matter: '${m}'`)
      .join('\n')}\n`;

  beforeAll(async () => {
    data = await startService(inOwnSchema(dataPlatformService), integrationEnv());
    business = await startService(inOwnSchema(businessPlatformService), integrationEnv());
  }, 120_000);

  afterAll(async () => {
    await business?.close();
    await data?.close();
  });

  it('serves the demo bundles compiled against the data catalogue: 新生儿出生 with nothing to upload and its names prefilled', async () => {
    const list = await eventually(async () => {
      const r = await getJson(url('/bundles'), INTERNAL);
      expect((r.body as { bundles: unknown[] }).bundles).toHaveLength(4);
      return r.body as { bundles: { code: string; matters: number; committedDays: number }[] };
    }, 60_000);
    expect(list.bundles.find((b) => b.code === 'JS-YJS-XSECS')).toMatchObject({ matters: 8, committedDays: 5 });
    const newborn = await getJson(url('/bundles/JS-YJS-XSECS'), INTERNAL);
    const plan = (
      newborn.body as {
        plan: { materials: { status: string }[]; form: { id: string; source: string; prefillFrom: { resourceCode: string }[] }[] };
      }
    ).plan;
    expect(plan.materials.filter((m) => m.status === 'upload')).toEqual([]);
    const name = plan.form.find((f) => f.id === 'newborn.DE00002')!;
    expect(name.source).toBe('prefill');
    expect(name.prefillFrom.map((p) => p.resourceCode).sort()).toEqual(['JS-GA-RK-0001', 'JS-WJ-CS-0001']);
    expect(plan.form.find((f) => f.id.endsWith(':cssj'))).toMatchObject({ source: 'entered' });
    expect(newborn.body).toMatchObject({ status: 'active', staleMatters: [] });
  }, 90_000);

  it('publishes a YAML bundle as versions: the same again changes nothing, another content under a used or lower version is refused', async () => {
    const v1 = yaml(1, [M('4000001000'), M('4000003000')]);
    const first = await send('/bundles', v1);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ version: 1, changed: true, plan: { stages: [[M('4000001000')], [M('4000003000')]] } });
    expect((await send('/bundles', v1)).body).toMatchObject({ changed: false });
    expect((await send('/bundles', v1)).status).toBe(200);
    expect((await send('/bundles', yaml(1, [M('4000001000')]))).status).toBe(409);
    expect((await send('/bundles', yaml(3, [M('4000001000')]))).status).toBe(201);
    expect((await send('/bundles', yaml(2, [M('4000001000')]))).body).toMatchObject({ status: 409, code: 'BUNDLE_VERSION_OLD' });
    // Retired: the highest active version is served; retiring twice is refused.
    const retire = (v: number) =>
      send(`/bundles/JS-YJS-TEST/versions/${v}/retire`, JSON.stringify({ reason: '合并到新版本' }), 'application/json');
    expect((await retire(3)).body).toMatchObject({ status: 'retired', retireReason: '合并到新版本' });
    expect((await retire(3)).status).toBe(409);
    expect((await getJson(url('/bundles/JS-YJS-TEST'), INTERNAL)).body).toMatchObject({ version: 1 });
    expect((await getJson(url('/bundles/JS-YJS-TEST?version=3'), INTERNAL)).body).toMatchObject({ version: 3, status: 'retired' });
    expect((await retire(99)).status).toBe(404);
  });

  it('refuses a bundle that does not compile with every error and where it is (422), storing nothing', async () => {
    const bad = await send(
      '/bundles/compile',
      `code: JS-YJS-BAD\nversion: 1\nname: 错误\nkind: free\ntarget: person\nonRejection: continue\nmatters:\n  - matter: '11320100MB1234567X4999999000'\n  - matter: '${M('4000001000')}'\n    after: ['${M('4000002000')}']\n  - matter: '${M('4000002000')}'\n    after: ['${M('4000001000')}']\n  - matter: '${M('4000101000')}'\n`,
    );
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ code: 'BUNDLE_INVALID' });
    const errors = (bad.body['errors'] as { field: string; message: string }[]).map((e) => [e.field, e.message.split(':')[0]]);
    expect(errors).toEqual([
      ['matters[0].matter', 'UNKNOWN_MATTER'],
      ['matters[3]', 'TARGET_MISMATCH'],
      ['matters', 'CYCLE'],
    ]);
    expect((await send('/bundles', yaml(1, [M('4000004000')]).replace('JS-YJS-TEST', 'JS-YJS-BAD2'))).body).toMatchObject({
      status: 422,
      errors: [{ field: `matter ${M('4000004000')}/materials[0]` }],
    });
    expect((await getJson(url('/bundles/JS-YJS-BAD2'), INTERNAL)).status).toBe(404);
    // A dry run of a good one answers the plan.
    expect((await send('/bundles/compile', yaml(1, [M('4000001000')]))).body).toMatchObject({
      plan: { criticalPath: { committedDays: 1 } },
    });
  });

  it.each([
    ['YAML that does not parse', 'code: [unclosed\n', 'application/yaml', 400],
    ['an unknown key', `${yaml(1, [])}colour: red\n`, 'text/yaml', 400],
    ['a key given twice', 'code: JS-A\ncode: JS-B\n', 'application/yaml', 400],
    [
      'an alias bomb',
      `a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n`,
      'application/yaml',
      400,
    ],
    ['a JSON definition with a wrong field', JSON.stringify({ code: 'JS-X', version: 'one' }), 'application/json', 400],
    ['a JSON array', '[1,2]', 'application/json', 400],
    ['an upload over 256 KiB', `${yaml(1, [])}description: ${'x'.repeat(300_000)}\n`, 'application/yaml', 413],
    ['plain text', 'code: JS-X', 'text/plain', 415],
  ])('answers %s with a clear 4xx', async (_what, body, type, status) => {
    const r = await send('/bundles', body, type);
    expect(r.status).toBe(status);
    expect(r.body).toMatchObject({ status, code: expect.any(String) });
  });

  it('refuses writes without a caller (400) or the internal token (401)', async () => {
    expect((await send('/bundles', yaml(1, [M('4000001000')]), 'application/yaml', INTERNAL)).status).toBe(400);
    expect((await send('/bundles', yaml(1, [M('4000001000')]), 'application/yaml', { 'x-caller': 'x' })).status).toBe(401);
    expect((await getJson(url('/bundles'))).status).toBe(401);
  });

  it('versions matters, marks plans compiled against an older version stale, and reports 三级四同 differences', async () => {
    const matter = matters.find((m) => m.code.endsWith('4000002000'))!;
    const put = (code: string, body: object) => putJson(url(`/matters/${code}`), body, ADMIN);
    expect((await put(matter.code, matter)).body).toMatchObject({ changed: false, version: 1 });
    expect((await put(matter.code, { ...matter, committedLimitDays: 2 })).body).toMatchObject({ changed: true, version: 2 });
    expect((await getJson(url('/bundles/JS-YJS-XSECS'), INTERNAL)).body).toMatchObject({ staleMatters: [matter.code] });
    expect((await put('11320100MB1234567X4000009000', matter)).body).toMatchObject({ status: 400, code: 'MATTER_CODE_MISMATCH' });
    expect((await put(matter.code, { ...matter, type: '许可' })).status).toBe(400);
    // A workflow that cannot run: every error listed, nothing stored.
    const broken = {
      ...matter,
      workflow: { ...matter.workflow, initial: '草稿', states: matter.workflow.states.map((x) => ({ ...x, outcome: undefined })) },
    };
    const refused = await put(matter.code, broken);
    expect(refused.body).toMatchObject({ status: 422, code: 'MATTER_INVALID' });
    expect((refused.body as { errors: unknown[] }).errors.length).toBeGreaterThanOrEqual(3);
    expect((await getJson(url(`/matters/${matter.code}`), INTERNAL)).body).toMatchObject({ version: 2 });
    // A commitment check on a material no commitment may replace, and one matching on what is not an item with a plain value: 422.
    const checked = (verify: object, commitment = true) => ({
      ...matter,
      materials: [{ code: 'CHECKED', name: '核查测试', kind: 'secondary', commitment, verify }],
    });
    for (const body of [
      checked({ resource: 'JS-XF-JC-0001' }, false),
      // The population library is the platform's for prefill, not a resource commitments are checked against (BUSINESS_CHECK_RESOURCES).
      checked({ resource: 'JS-GA-RK-0001', equals: { hjzt: 'normal' } }),
      checked({ resource: 'JS-XF-JC-0001', fields: { csdz: 'no_such_field' } }),
      checked({ resource: 'JS-XF-JC-0001', equals: { 'bad item': 'x' } }),
      checked({ resource: 'JS-XF-JC-0001', equals: { jcjg: { nested: true } } }),
    ])
      expect((await put(matter.code, body)).body).toMatchObject({ status: 422, code: 'MATTER_INVALID' });
    for (const verify of [
      { resource: 'js-lower' },
      { resource: 'JS-XF-JC-0001', afterDays: -1 },
      { resource: 'JS-XF-JC-0001', equals: 'x' },
    ])
      expect((await put(matter.code, checked(verify))).status).toBe(400);
    expect((await getJson(url(`/matters/${matter.code}`), INTERNAL)).body).toMatchObject({ version: 2 });
    expect((await getJson(url('/matters/11320100MB1234567X4999999000'), INTERNAL)).status).toBe(404);
    // The same matter implemented by a county under another name: a 三级四同 finding.
    const county = { ...matter, code: '11320102MB1234567X4000002000', level: 'county', region: '320102', name: '预防接种证办理（玄武）' };
    expect((await put(county.code, county)).status).toBe(200);
    const report = await getJson(url('/matter-consistency'), INTERNAL);
    expect((report.body as { findings: unknown[] }).findings).toEqual([
      {
        baseCode: matter.baseCode,
        field: 'name',
        values: [
          { code: matter.code, level: 'city', region: '320100', value: matter.name },
          { code: county.code, level: 'county', region: '320102', value: county.name },
        ],
      },
    ]);
    const found = await getJson(url(`/matters?q=${encodeURIComponent('预防接种')}`), INTERNAL);
    expect((found.body as { matters: { code: string }[] }).matters.map((m) => m.code).sort()).toEqual([matter.code, county.code]);
    expect((await getJson(url('/matters?type=nonsense'), INTERNAL)).status).toBe(400);
  });
});
