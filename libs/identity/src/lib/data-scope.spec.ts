import { canSeeRecord, dataScopeCondition } from './data-scope.js';
import type { DataScope, Principal } from './principal.js';

const JS = '/js/';
const NJ = '/js/nj/';
const XW = '/js/nj/xw/';
const XW_BUREAU = '/js/nj/xw/spj/';
const SZ = '/js/sz/';

const staff = (dataScope: DataScope | undefined, extra: Record<string, unknown> = {}): Principal => ({
  subject: 'staff:1',
  clientId: 'console',
  scopes: [],
  roles: [],
  permissions: [],
  assurance: 3,
  ...(dataScope ? { dataScope } : {}),
  claims: { dept_path: NJ, ...extra },
});

describe('data scope (数据权限)', () => {
  it.each([
    ['all', JS, true],
    ['all', SZ, true],
    ['dept', NJ, true],
    ['dept', XW, false],
    ['dept', SZ, false],
    ['dept_and_below', NJ, true],
    ['dept_and_below', XW_BUREAU, true],
    ['dept_and_below', JS, false],
    ['dept_and_below', SZ, false],
  ] as const)('%s sees a record of %s: %s', (scope, path, expected) => {
    expect(canSeeRecord(staff(scope), { departmentPath: path })).toBe(expected);
  });

  it('self sees only records it owns', () => {
    expect(canSeeRecord(staff('self'), { departmentPath: NJ, ownerId: 'staff:1' })).toBe(true);
    expect(canSeeRecord(staff('self'), { departmentPath: NJ, ownerId: 'staff:2' })).toBe(false);
    expect(canSeeRecord(staff('self'), { departmentPath: NJ })).toBe(false);
  });

  it('custom sees the listed departments and below, nothing else', () => {
    const p = staff('custom', { custom_dept_paths: [SZ, XW_BUREAU] });
    expect(canSeeRecord(p, { departmentPath: '/js/sz/gs/' })).toBe(true);
    expect(canSeeRecord(p, { departmentPath: XW_BUREAU })).toBe(true);
    expect(canSeeRecord(p, { departmentPath: NJ })).toBe(false);
  });

  it('adds the departments of a custom role to a broader scope of another role', () => {
    const p = staff('dept', { custom_dept_paths: [SZ] });
    expect(canSeeRecord(p, { departmentPath: NJ })).toBe(true);
    expect(canSeeRecord(p, { departmentPath: '/js/sz/gs/' })).toBe(true);
    expect(canSeeRecord(p, { departmentPath: XW })).toBe(false);
    expect(dataScopeCondition(p, { departmentPath: 'c.dept_path' }, 2)).toEqual({
      sql: '(c.dept_path = $2 OR c.dept_path LIKE ANY ($3))',
      params: [NJ, ['/js/sz/%']],
    });
  });

  it('a token without a data scope (a citizen, an app) sees no departmental records', () => {
    expect(canSeeRecord(staff(undefined), { departmentPath: NJ })).toBe(false);
    expect(dataScopeCondition(staff(undefined), { departmentPath: 'dept_path' }).sql).toBe('FALSE');
  });

  it('gives the same rule as a SQL condition', () => {
    expect(dataScopeCondition(staff('all'), { departmentPath: 'c.dept_path' })).toEqual({ sql: 'TRUE', params: [] });
    expect(dataScopeCondition(staff('dept_and_below'), { departmentPath: 'c.dept_path' }, 3)).toEqual({
      sql: 'starts_with(c.dept_path, $3)',
      params: [NJ],
    });
    expect(dataScopeCondition(staff('self'), { departmentPath: 'c.dept_path', ownerId: 'c.owner' })).toEqual({
      sql: 'c.owner = $1',
      params: ['staff:1'],
    });
    expect(dataScopeCondition(staff('custom', { custom_dept_paths: ['/js/s_z/'] }), { departmentPath: 'c.dept_path' })).toEqual({
      sql: 'c.dept_path LIKE ANY ($1)',
      params: [['/js/s\\_z/%']],
    });
  });
});
