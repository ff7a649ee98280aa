import type { MatterDefinition } from '../matters/matter-definition.js';
import { definitionFromYaml, loadDemoCatalogue } from '../demo/demo-catalogue.js';
import { BundleDefinitionBody } from './bundle-definition.dto.js';
import type { BundleDefinition } from './bundle-definition.js';
import { type BundlePlan, compileBundle, type ElementSource } from './bundle.compiler.js';

const { matters, bundles } = loadDemoCatalogue();
const catalogue = new Map(matters.map((m) => [m.code, m]));
// The data elements the data platform's demo catalogue holds (population, birth certificates, legal persons).
const source = (element: string, resourceCode: string, department: string): [string, ElementSource] => [
  element,
  { element, resources: [{ resourceCode, department }] },
];
const elements = new Map([
  source('DE00001', 'JS-GA-RK-0001', '省公安厅'),
  source('DE00002', 'JS-GA-RK-0001', '省公安厅'),
  source('DE00003', 'JS-GA-RK-0001', '省公安厅'),
  source('DE00004', 'JS-GA-RK-0001', '省公安厅'),
  source('DE00005', 'JS-GA-RK-0001', '省公安厅'),
  source('DE00006', 'JS-GA-RK-0001', '省公安厅'),
  source('DE00101', 'JS-SJ-FR-0001', '江苏省市场监督管理局'),
  source('DE00102', 'JS-SJ-FR-0001', '江苏省市场监督管理局'),
  source('DE00103', 'JS-SJ-FR-0001', '江苏省市场监督管理局'),
]);
const bundle = (code: string) => bundles.find((b) => b.code === code)!;
const plan = (b: BundleDefinition, cat: ReadonlyMap<string, MatterDefinition> = catalogue): BundlePlan => {
  const r = compileBundle(b, cat, elements);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.plan;
};
const errorsOf = (b: BundleDefinition, cat: ReadonlyMap<string, MatterDefinition> = catalogue) => {
  const r = compileBundle(b, cat, elements);
  return r.ok ? [] : r.errors.map((e) => [e.code, e.path]);
};
const M = (suffix: string) => [...catalogue.keys()].find((c) => c.endsWith(suffix))!;

describe('bundle compiler on the demo bundles', () => {
  it('新生儿出生: 8 matters of 5 departments, nothing to upload, a critical path of 5 committed working days', () => {
    const p = plan(bundle('JS-YJS-XSECS'));
    expect(p.matters).toHaveLength(8);
    expect(p.departments).toHaveLength(5);
    expect(p.materials.filter((m) => m.status === 'upload')).toEqual([]);
    expect(p.criticalPath.committedDays).toBe(5);
    expect(p.reduction.separately).toMatchObject({ legalDays: 32, materials: 14, visits: 8 });
    expect(p.reduction.asBundle).toMatchObject({ materials: 0, committedDays: 5, visits: 1 });
    // 出生医学证明 is produced by the first matter, never asked of the applicant; 结婚证 comes from the e-licence, 容缺 allowed.
    expect(p.materials.find((m) => m.code === 'BIRTH-CERT')).toMatchObject({ status: 'produced', producedBy: M('4000001000') });
    expect(p.materials.find((m) => m.code === 'MARRIAGE-CERT')).toMatchObject({ status: 'licence', deferrable: true, commitment: true });
    // Dependencies come from the materials: birth certificate → household registration → medical insurance → premium.
    expect(p.stages[0]).toEqual([M('4000001000')]);
    expect(p.matters.find((m) => m.code === M('4000005000'))).toMatchObject({ stage: 3, after: [M('4000004000')] });
    expect(p.criticalPath.matters[0]).toBe(M('4000001000'));
  });

  it('merges the form by subject and data element: the newborn’s name asked by six matters is one field, prefilled', () => {
    const p = plan(bundle('JS-YJS-XSECS'));
    const name = p.form.find((f) => f.id === 'newborn.DE00002')!;
    expect(name.matters).toHaveLength(7);
    expect(name).toMatchObject({ source: 'prefill', required: true, prefillFrom: [{ resourceCode: 'JS-GA-RK-0001' }] });
    // The mother's and the newborn's names share a data element but are different fields.
    expect(
      p.form
        .filter((f) => f.element === 'DE00002')
        .map((f) => f.subject)
        .sort(),
    ).toEqual(['father', 'mother', 'newborn']);
    expect(p.form.length).toBeLessThan(p.reduction.separately.fields);
    expect(p.form.find((f) => f.id.endsWith(':cssj'))).toMatchObject({ source: 'entered', type: 'datetime' });
  });

  it('企业开办 and 开办餐饮店: registration first, the rest in parallel; the declared order adds a stage', () => {
    const startup = plan(bundle('JS-YJS-QYKB'));
    expect(startup.stages.map((s) => s.length)).toEqual([1, 5]);
    expect(startup.criticalPath.committedDays).toBe(2);
    expect(startup.reduction).toMatchObject({ separately: { materials: 8, legalDays: 40 }, asBundle: { materials: 2 } });
    expect(startup.materials.find((m) => m.code === 'BUSINESS-LICENCE')).toMatchObject({ status: 'produced', matters: expect.any(Array) });
    const restaurant = plan(bundle('JS-YJS-KBCYD'));
    expect(restaurant.stages.map((s) => s.length)).toEqual([1, 2, 1]);
    expect(restaurant.criticalPath).toMatchObject({ committedDays: 5 });
    expect(restaurant.departments).toHaveLength(3);
    expect(
      restaurant.materials
        .filter((m) => m.status === 'upload')
        .map((m) => m.code)
        .sort(),
    ).toEqual(['ARTICLES', 'FIRE-COMMITMENT', 'FOOD-SAFETY-RULES', 'LAYOUT', 'PREMISES', 'SIGN-DESIGN']);
  });
});

describe('bundle compiler refusals, each precise', () => {
  const newborn = bundle('JS-YJS-XSECS');
  const withMatters = (list: BundleDefinition['matters'], patch: Partial<BundleDefinition> = {}): BundleDefinition => ({
    ...newborn,
    ...patch,
    matters: list,
  });

  it('an unknown matter, a matter twice, a dependency outside the bundle, a company matter in a person bundle', () => {
    expect(
      errorsOf(
        withMatters([
          { matter: '11320100MB1234567X4999999000' },
          { matter: M('4000001000') },
          { matter: M('4000001000') },
          { matter: M('4000002000'), after: [M('4000003000')] },
          { matter: M('4000101000') },
        ]),
      ),
    ).toEqual([
      ['UNKNOWN_MATTER', 'matters[0].matter'],
      ['DUPLICATE_MATTER', 'matters[2]'],
      ['TARGET_MISMATCH', 'matters[4]'],
      ['UNKNOWN_DEPENDENCY', 'matters[3].after[0]'],
    ]);
    expect(errorsOf(withMatters([]))).toEqual([['EMPTY_BUNDLE', 'matters']]);
  });

  it('a cycle, naming the matters along it', () => {
    const r = compileBundle(
      withMatters([{ matter: M('4000001000'), after: [M('4000002000')] }, { matter: M('4000002000') }]),
      catalogue,
      elements,
    );
    expect(r.ok).toBe(false);
    const cycle = !r.ok ? r.errors.find((e) => e.code === 'CYCLE')! : null;
    expect(cycle?.message).toContain(`${M('4000001000')} → ${M('4000002000')} → ${M('4000001000')}`);
  });

  it('a material nobody can provide: 医保参保 without the household registration that produces its proof', () => {
    expect(errorsOf(withMatters([{ matter: M('4000001000') }, { matter: M('4000004000') }]))).toEqual([
      ['MATERIAL_UNPROVIDABLE', `matter ${M('4000004000')}/materials[0]`],
    ]);
  });

  it('a field without a type (and no data element that has one), and one data element with two types', () => {
    const first = catalogue.get(M('4000001000'))!;
    const broken = new Map(catalogue);
    broken.set(first.code, {
      ...first,
      fields: [
        ...first.fields,
        { key: 'bz', name: '备注' },
        { key: 'csrq2', name: '出生日期', element: 'DE00002', subject: 'newborn', type: 'date' },
      ],
    });
    expect(errorsOf(withMatters([{ matter: first.code }, { matter: M('4000002000') }]), broken)).toEqual([
      ['FIELD_WITHOUT_TYPE', `matter ${first.code}/fields[7]`],
      ['FIELD_TYPE_CONFLICT', `matter ${first.code}/fields[8]`],
    ]);
  });

  it('key wins over secondary and 容缺 needs every matter’s consent when two matters ask one material', () => {
    const a = catalogue.get(M('4000003000'))!;
    const b = catalogue.get(M('4000008000'))!;
    const both = new Map(catalogue);
    both.set(b.code, {
      ...b,
      materials: [
        ...b.materials,
        { code: 'MARRIAGE-CERT', name: '父母结婚证', kind: 'key', provenBy: { licenceType: '11100000000013338W011' } },
      ],
    });
    const p = plan(withMatters([{ matter: M('4000001000') }, { matter: a.code }, { matter: b.code }]), both);
    expect(p.materials.find((m) => m.code === 'MARRIAGE-CERT')).toMatchObject({
      kind: 'key',
      deferrable: false,
      commitment: false,
      matters: [a.code, b.code],
    });
  });
});

describe('bundle definitions from YAML', () => {
  it.each([
    [
      'an unknown key',
      'code: JS-X\nversion: 1\nname: x\nkind: theme\ntarget: person\nonRejection: continue\nmatters: []\nextra: 1\n',
      'extra',
    ],
    [
      'a version that is not a number',
      'code: JS-X\nversion: one\nname: x\nkind: theme\ntarget: person\nonRejection: continue\nmatters: []\n',
      'version',
    ],
    ['a key given twice', 'code: JS-X\ncode: JS-Y\n', 'unique'],
    [
      'a matter code of the wrong shape',
      'code: JS-X\nversion: 1\nname: x\nkind: theme\ntarget: person\nonRejection: continue\nmatters: [{ matter: abc }]\n',
      'matters.0.matter',
    ],
  ])('refuses %s, naming it', (_what, text, field) => {
    expect(() => definitionFromYaml(BundleDefinitionBody, text, 'test.yaml')).toThrow(
      new RegExp(`test\\.yaml.*${field.replace(/[[\].]/g, '\\$&')}`),
    );
  });
});
