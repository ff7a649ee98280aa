import type { Principal } from './principal.js';

/**
 * Whether a staff principal may see a record owned by a department (and possibly by a
 * person), following the data scope of their roles (数据权限, as RuoYi/yudao users expect):
 * - `all` 全部: everything;
 * - `dept` 本部门: their own department only;
 * - `dept_and_below` 本部门及以下: their department and every department under it;
 * - `self` 仅本人: only records they own;
 * - `custom` 自定: only the departments listed in the token (`custom_dept_paths`) and below.
 * A staff member with several roles gets the broadest scope of them, plus the custom
 * departments of any custom role (the token carries both).
 * Department paths are materialised: `/<root id>/…/<department id>/`.
 */
export function canSeeRecord(principal: Principal, record: { departmentPath: string; ownerId?: string }): boolean {
  const scope = principal.dataScope;
  if (!scope) return false;
  if (customPaths(principal).some((p) => record.departmentPath.startsWith(p))) return true;
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
  if (!principal.dataScope) return { sql: 'FALSE', params: [] };
  if (principal.dataScope === 'all') return { sql: 'TRUE', params: [] };
  const own = principal.claims['dept_path'];
  const params: unknown[] = [];
  const $ = (value: unknown) => `$${firstParam + params.push(value) - 1}`;
  const parts: string[] = [];
  switch (principal.dataScope) {
    case 'self':
      if (columns.ownerId) parts.push(`${columns.ownerId} = ${$(principal.subject)}`);
      break;
    case 'dept':
      if (typeof own === 'string') parts.push(`${columns.departmentPath} = ${$(own)}`);
      break;
    case 'dept_and_below':
      if (typeof own === 'string') parts.push(`starts_with(${columns.departmentPath}, ${$(own)})`);
      break;
    default:
      break;
  }
  const custom = customPaths(principal);
  if (custom.length > 0) parts.push(`${columns.departmentPath} LIKE ANY (${$(custom.map((p) => `${p.replace(/[%_\\]/g, '\\$&')}%`))})`);
  return parts.length === 0 ? { sql: 'FALSE', params: [] } : { sql: parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`, params };
}

function customPaths(principal: Principal): string[] {
  const custom = principal.claims['custom_dept_paths'];
  return Array.isArray(custom) ? custom.filter((p): p is string => typeof p === 'string') : [];
}
