import type { Principal } from './principal.js';

/**
 * Whether a staff principal may see a record owned by a department (and possibly by a
 * person), following the data scope of their role (数据权限, as RuoYi/yudao users expect):
 * - `all` 全部: everything;
 * - `custom` 自定: the departments listed in the token (`custom_depts`), and below them;
 * - `dept` 本部门: their own department only;
 * - `dept_and_below` 本部门及以下: their department and every department under it;
 * - `self` 仅本人: only records they own.
 * Department paths are materialised: `/<root id>/…/<department id>/`.
 */
export function canSeeRecord(principal: Principal, record: { departmentPath: string; ownerId?: string }): boolean {
  const scope = principal.dataScope;
  if (!scope) return false;
  const own = principal.claims['dept_path'];
  switch (scope) {
    case 'all':
      return true;
    case 'self':
      return record.ownerId !== undefined && record.ownerId === principal.subject;
    case 'dept':
      return typeof own === 'string' && record.departmentPath === own;
    case 'dept_and_below':
      return typeof own === 'string' && record.departmentPath.startsWith(own);
    case 'custom': {
      const custom = principal.claims['custom_dept_paths'];
      return Array.isArray(custom) && custom.some((p) => typeof p === 'string' && record.departmentPath.startsWith(p));
    }
    default:
      return false;
  }
}

/**
 * The same rule as a SQL condition on a department-path column, for list queries:
 * `WHERE ${where.sql}` with `where.params`. Parameters are numbered from `firstParam`.
 */
export function dataScopeCondition(
  principal: Principal,
  columns: { departmentPath: string; ownerId?: string },
  firstParam = 1,
): { sql: string; params: unknown[] } {
  const own = principal.claims['dept_path'];
  const $ = (n: number) => `$${firstParam + n}`;
  switch (principal.dataScope) {
    case 'all':
      return { sql: 'TRUE', params: [] };
    case 'self':
      return columns.ownerId ? { sql: `${columns.ownerId} = ${$(0)}`, params: [principal.subject] } : { sql: 'FALSE', params: [] };
    case 'dept':
      return typeof own === 'string' ? { sql: `${columns.departmentPath} = ${$(0)}`, params: [own] } : { sql: 'FALSE', params: [] };
    case 'dept_and_below':
      return typeof own === 'string' ? { sql: `starts_with(${columns.departmentPath}, ${$(0)})`, params: [own] } : { sql: 'FALSE', params: [] };
    case 'custom': {
      const custom = principal.claims['custom_dept_paths'];
      const paths = Array.isArray(custom) ? custom.filter((p): p is string => typeof p === 'string') : [];
      return paths.length > 0 ? { sql: `${columns.departmentPath} LIKE ANY (${$(0)})`, params: [paths.map((p) => `${p.replace(/[%_\\]/g, '\\$&')}%`)] } : { sql: 'FALSE', params: [] };
    }
    default:
      return { sql: 'FALSE', params: [] };
  }
}
