import { generateCitizenId, generateCreditCode } from '@gmp/gov-standards';
import type { ResourceDefinitionBody } from '../catalogue/catalogue.dto.js';
import { DEMO_RESOURCES } from '../catalogue/demo-catalogue.seed.js';
import { definitionProblems, recordSchemaOf } from '../catalogue/resource-definition.js';
import { compileResource, QUALITY_RULE_TYPES } from './quality-rules.js';

const compiled = (code: string) => compileResource({ ...DEMO_RESOURCES[code]!, code, version: 1 });
const population = compiled('JS-GA-RK-0001');
const births = compiled('JS-WJ-CS-0001');
const companies = compiled('JS-SJ-FR-0001');
const at = new Date('2026-12-05T08:00:00Z');
const id = generateCitizenId({ regionCode: '320102', birthDate: '1990-05-17', sequence: 123 });
const person = { sfzh: id, xm: '王小明', xb: '1', csrq: '1990-05-17', mz: '01', hjdz: '南京市玄武区', hjzt: 'normal' };
const rules = (reasons: { rule: string; item: string | null }[]) => reasons.map((r) => `${r.rule}:${r.item}`);

describe('quality rules (质量规则)', () => {
  it('pass a good record of each demo resource', () => {
    expect(population.check(person, at)).toEqual([]);
    const mother = generateCitizenId({ regionCode: '320102', birthDate: '1995-03-01', sequence: 88 });
    expect(
      births.check(
        { zmbh: 'Q320000001', xsexm: '王小宝', xb: '2', cssj: '2026-11-30T10:15:00+08:00', mqsfzh: mother, qfrq: '2026-12-01' },
        at,
      ),
    ).toEqual([]);
    const code = generateCreditCode({ regionCode: '320100', organisationBody: 'MA1XY201' });
    expect(companies.check({ tyshxydm: code, mc: '南京示例餐饮有限公司', fddbr: '李四', clrq: '2020-01-02', zczb: 50 }, at)).toEqual([]);
  });

  it('list every reason at once, each with its rule and item', () => {
    const bad = { sfzh: `${id.slice(0, 17)}${id[17] === '0' ? '1' : '0'}`, xb: '3', csrq: '2027-01-01', mz: 'A', hjzt: 'gone', extra: 1 };
    expect(rules(population.check(bad, at)).sort()).toEqual(
      ['required:xm', 'codeList:xb', 'codeList:hjzt', 'unknownItem:extra', 'citizenId:sfzh', 'date:csrq', 'pattern:mz'].sort(),
    );
  });

  it.each([
    [{ ...person, csrq: '2026-02-30' }, 'date:csrq'],
    [{ ...person, csrq: '1899-12-31' }, 'date:csrq'],
    [{ ...person, csrq: '1990/05/17' }, 'type:csrq'],
    [{ ...person, xm: 42 }, 'type:xm'],
    [{ ...person, xm: 'x'.repeat(65) }, 'length:xm'],
    [{ ...person, sfzh: '12345' }, 'citizenId:sfzh'],
    [{ ...person, hjdz: null }, 'type:hjdz'],
  ])('refuses %j (%s)', (record, expected) => {
    expect(rules(population.check(record, at))).toEqual([expected]);
  });

  it('checks a cross-field comparison, a range and a credit code', () => {
    const mother = generateCitizenId({ regionCode: '320102', birthDate: '1995-03-01', sequence: 88 });
    const birth = { zmbh: 'Q320000001', xsexm: '王小宝', xb: '2', cssj: '2026-11-30T10:15:00+08:00', mqsfzh: mother, qfrq: '2026-11-29' };
    expect(rules(births.check(birth, at))).toEqual(['crossField:qfrq']);
    expect(births.check({ ...birth, qfrq: '2026-11-30' }, at)).toEqual([]); // signed on the day of birth
    expect(rules(births.check({ ...birth, qfrq: '2026-12-01', cssj: '2026-11-30 10:15' }, at))).toEqual(['type:cssj']);
    const company = { tyshxydm: '91320100MA1XYZ01X0', mc: '某公司', fddbr: '李四', clrq: '2020-01-02', zczb: -1 };
    expect(rules(companies.check(company, at)).sort()).toEqual(['creditCode:tyshxydm', 'range:zczb']);
    expect(companies.uniqueItems).toEqual(['mc']);
  });

  it('refuses what is not a record', () => {
    for (const v of [null, [], 'x', 1]) expect(rules(population.check(v, at))).toEqual(['type:null']);
  });

  it('matches patterns in linear time (RE2): a pattern that backtracks exponentially in other engines answers at once', () => {
    const def = structuredClone(DEMO_RESOURCES['JS-GA-RK-0001']!);
    def.rules = [...(def.rules ?? []), { type: 'pattern', item: 'hjdz', pattern: '(a+)+$' }];
    const checks = compileResource({ ...def, code: 'X', version: 1 });
    const started = performance.now();
    expect(rules(checks.check({ ...person, hjdz: `${'a'.repeat(40)}!` }, at))).toEqual(['pattern:hjdz']);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('names every rule type it applies', () => {
    for (const r of [...population.check({ ...person, xb: '3', extra: 1 }, at)]) expect(Object.keys(QUALITY_RULE_TYPES)).toContain(r.rule);
  });
});

describe('resource definitions (资源定义)', () => {
  const base = DEMO_RESOURCES['JS-SJ-FR-0001']!;
  const problems = (patch: Partial<ResourceDefinitionBody>) =>
    definitionProblems({ ...structuredClone(base), ...patch }).map((p) => p.field);

  it('accept the demo resources', () => {
    for (const def of Object.values(DEMO_RESOURCES)) expect(definitionProblems(def)).toEqual([]);
  });

  it('report every inconsistency at once', () => {
    expect(
      problems({
        keyItem: 'nope',
        sharingType: 'conditional',
        items: [
          ...base.items,
          { ...base.items[1]! },
          { code: 'n', name: 'n', type: 'integer', codeList: ['1'], grade: 'general', personal: 'none' },
        ],
        rules: [
          { type: 'range', item: 'mc' },
          { type: 'range', item: 'zczb', min: 5, max: 1 },
          { type: 'crossField', item: 'clrq', op: '<', other: 'zczb' },
          { type: 'pattern', item: 'mc', pattern: '(' },
          { type: 'pattern', item: 'mc', pattern: '(a)\\1' },
          { type: 'date', item: 'clrq' },
          { type: 'unique', item: 'ghost' },
        ],
      }),
    ).toEqual([
      'items[5].code',
      'items[6].codeList',
      'keyItem',
      'sharingCondition',
      'rules[0].type',
      'rules[0]',
      'rules[1]',
      'rules[2].other',
      'rules[3].pattern',
      'rules[4].pattern',
      'rules[5]',
      'rules[6].item',
    ]);
  });

  it('refuse a pattern whose RE2 program is too large (its matching time grows with it) and reserved item codes', () => {
    expect(problems({ rules: [{ type: 'pattern', item: 'mc', pattern: `${'(?:a|b?){1000}'.repeat(8)}x` }] })).toEqual(['rules[0].pattern']);
    expect(problems({ rules: [{ type: 'pattern', item: 'mc', pattern: '[^x]{1,200}' }] })).toEqual([]);
    for (const code of ['constructor', 'toString', '__proto__'])
      expect(problems({ items: [...base.items, { code, name: 'x', type: 'string', grade: 'general', personal: 'none' }] })).toEqual([
        'items[5].code',
      ]);
  });

  it('require the key item to be required', () => {
    expect(problems({ items: base.items.map((i) => (i.code === 'tyshxydm' ? { ...i, required: false } : i)) })).toEqual(['keyItem']);
  });

  it('generate a closed record schema from the items', () => {
    expect(recordSchemaOf(base)).toMatchObject({ additionalProperties: false, required: ['tyshxydm', 'mc', 'fddbr', 'clrq'] });
  });
});
