import { generateCitizenId, generateCreditCode } from '@gmp/gov-standards';
import type { BundlePlan, PlannedField, PlannedMaterial } from '../bundles/bundle.compiler.js';
import { type ApplicationContent, checkApplication } from './application-check.js';

const field = (id: string, type: PlannedField['type'], patch: Partial<PlannedField> = {}): PlannedField => ({
  id,
  name: id,
  subject: 'applicant',
  element: null,
  type,
  required: true,
  source: 'entered',
  prefillFrom: [],
  matters: ['M1'],
  ...patch,
});
const material = (code: string, patch: Partial<PlannedMaterial> = {}): PlannedMaterial => ({
  code,
  name: code,
  kind: 'key',
  status: 'upload',
  deferrable: false,
  commitment: false,
  matters: ['M1'],
  ...patch,
});
const plan = (form: PlannedField[], materials: PlannedMaterial[] = []) => ({ form, materials }) as unknown as BundlePlan;
const content = (patch: Partial<ApplicationContent> = {}): ApplicationContent => ({
  form: {},
  materials: {},
  deferred: [],
  committed: [],
  commitmentSigned: false,
  ...patch,
});
const fieldsOf = (r: ReturnType<typeof checkApplication>) => r.errors.map((e) => e.field);

describe('checkApplication (一次告知)', () => {
  const ID = generateCitizenId({ regionCode: '320102', birthDate: '1990-01-02', sequence: 5 });
  const CC = generateCreditCode({ regionCode: '320100', organisationBody: 'MA1XK2Q8' });

  it.each([
    ['string', '张三', ['', '   ', 'x'.repeat(501), 5]],
    ['number', 10.5, ['10', Number.NaN, Number.POSITIVE_INFINITY]],
    ['boolean', false, ['true', 0]],
    ['date', '2026-02-28', ['2026-2-28', '2026-13-01', '2026-02-30', '2026-12-01T00:00:00Z']],
    [
      'datetime',
      '2026-12-01T08:15:00+08:00',
      ['2026-12-01T08:15:00', '2026-12-01', '2026-02-30T08:00:00+08:00', '2026-12-01T25:00:00+08:00', 'yesterday'],
    ],
    ['citizenId', ID, [`${ID.slice(0, 17)}${ID.endsWith('0') ? '1' : '0'}`, '123', 5]],
    ['creditCode', CC, [`${CC.slice(0, 17)}${CC.endsWith('0') ? '1' : '0'}`, 'abc']],
    ['phone', '13800138000', ['12800138000', '1380013800', '025-8']],
    ['code', 'b', ['c', 'B', 1]],
  ] as const)('a %s field takes a good value and refuses bad ones, each named', (type, good, bad) => {
    const f = field('applicant.F', type, type === 'code' ? { codeList: ['a', 'b'] } : {});
    expect(checkApplication(plan([f]), content({ form: { 'applicant.F': good } })).errors).toEqual([]);
    for (const value of bad)
      expect(fieldsOf(checkApplication(plan([f]), content({ form: { 'applicant.F': value } })))).toEqual(['form.applicant.F']);
  });

  it('asks for required typed fields but not for prefillable or optional ones, and refuses fields the form does not have', () => {
    const form = [
      field('a.typed', 'string'),
      field('a.prefill', 'string', { source: 'prefill' }),
      field('a.optional', 'string', { required: false }),
    ];
    expect(fieldsOf(checkApplication(plan(form), content({ form: { 'x.unknown': 1 } })))).toEqual(['form.x.unknown', 'form.a.typed']);
    // A prefillable value the applicant does give is still checked.
    expect(fieldsOf(checkApplication(plan(form), content({ form: { 'a.typed': 'ok', 'a.prefill': '' } })))).toEqual(['form.a.prefill']);
  });

  it('materials: upload, 容缺 only where allowed and signed, 告知承诺 likewise, nothing asked that the bundle proves', () => {
    const materials = [
      material('KEY'),
      material('SEC', { kind: 'secondary', deferrable: true }),
      material('PROMISE', { commitment: true }),
      material('PROVED', { status: 'licence', licenceType: 'T' }),
    ];
    const ok = checkApplication(
      plan([], materials),
      content({ materials: { KEY: { fileId: 'f1' } }, deferred: ['SEC'], committed: ['PROMISE'], commitmentSigned: true }),
    );
    expect(ok.errors).toEqual([]);
    expect(ok.materials.map((m) => [m.code, m.status])).toEqual([
      ['KEY', 'uploaded'],
      ['SEC', 'deferred'],
      ['PROMISE', 'committed'],
      ['PROVED', 'licence'],
    ]);
    const bad = checkApplication(
      plan([], materials),
      content({ materials: { PROVED: { fileId: 'f' }, SEC: { fileId: 'f' } }, deferred: ['KEY', 'SEC'], committed: ['NOPE'] }),
    );
    expect(fieldsOf(bad).sort()).toEqual(
      [
        'materials.PROVED', // not asked: a licence proves it
        'materials.NOPE', // not in the bundle
        'materials.SEC', // uploaded and deferred at once
        'materials.KEY', // a key material cannot be deferred
        'materials.PROMISE', // missing
        'commitmentSigned', // 容缺 without the signed commitment
      ].sort(),
    );
    expect(fieldsOf(checkApplication(plan([], [material('KEY')]), content({ materials: { KEY: { fileId: '../x' } } })))).toEqual([
      'materials.KEY.fileId',
    ]);
  });
});
