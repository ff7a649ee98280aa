import pg from 'pg';
import { dataScopeCondition } from './data-scope.js';
import type { DataScope, Principal } from './principal.js';

/** The SQL form of the data scope, run on a real PostgreSQL against a small department tree. */
describe('dataScopeCondition on PostgreSQL', () => {
  let db: pg.Client;
  const table = `scope_probe_${Date.now().toString(36)}`;
  const rows = [
    ['r1', '/js/', 'staff:9'],
    ['r2', '/js/nj/', 'staff:1'],
    ['r3', '/js/nj/xw/', 'staff:2'],
    ['r4', '/js/sz/', 'staff:1'],
    ['r5', '/js/s_z/', 'staff:3'],
    ['r6', '/js/sxz/', 'staff:3'],
  ];
  const staff = (dataScope: DataScope, extra: Record<string, unknown> = {}): Principal => ({
    subject: 'staff:1',
    clientId: 'console',
    scopes: [],
    roles: [],
    permissions: [],
    assurance: 3,
    dataScope,
    claims: { dept_path: '/js/nj/', ...extra },
  });
  const visible = async (p: Principal) => {
    const where = dataScopeCondition(p, { departmentPath: 'dept_path', ownerId: 'owner' });
    return (await db.query(`SELECT id FROM ${table} WHERE ${where.sql} ORDER BY id`, where.params)).rows.map((r) => r.id);
  };

  beforeAll(async () => {
    db = new pg.Client({ connectionString: process.env['DATABASE_URL'] });
    await db.connect();
    await db.query(`CREATE TEMP TABLE ${table} (id text, dept_path text, owner text)`);
    for (const r of rows) await db.query(`INSERT INTO ${table} VALUES ($1, $2, $3)`, r);
  });
  afterAll(() => db?.end());

  it('applies each scope', async () => {
    expect(await visible(staff('all'))).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    expect(await visible(staff('dept'))).toEqual(['r2']);
    expect(await visible(staff('dept_and_below'))).toEqual(['r2', 'r3']);
    expect(await visible(staff('self'))).toEqual(['r2', 'r4']);
    // `_` in a path is matched literally, not as a wildcard (r6 must not match /js/s_z/).
    expect(await visible(staff('custom', { custom_dept_paths: ['/js/s_z/', '/js/nj/xw/'] }))).toEqual(['r3', 'r5']);
  });
});
