import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { generateSecret } from 'otplib';
import { type DataSource, In } from 'typeorm';
import { acrForLevel, AssuranceLevel, type DataScope } from '@gmp/identity';

import { hashPassword } from './password.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { Department } from './department.entity.js';
import { Post } from './post.entity.js';
import { ALL_PERMISSIONS, PERMISSIONS, Role } from './role.entity.js';
import { StaffAccount } from './staff-account.entity.js';
import { IdentityProblem } from './identity.problems.js';

/** Permissions whose holders must give a TOTP code at every login. */
export const PRIVILEGED_PERMISSIONS: readonly string[] = [PERMISSIONS.IdentityAdmin, PERMISSIONS.AuditRead];
const SCOPE_BREADTH: Record<DataScope, number> = { self: 0, custom: 1, dept: 2, dept_and_below: 3, all: 4 };
const LEVEL_BELOW: Record<Department['level'], Department['level'][]> = {
  province: ['city', 'department'],
  city: ['county', 'department'],
  county: ['department'],
  department: ['department'],
};
/** Staff account names: letters, digits, `.`, `_`, `-`; never ID-number-shaped (that field signs citizens in). */
const USERNAME = /^[a-z][a-z0-9._-]{2,63}$/;

/** What a staff member may do and see, from their roles. */
export interface EffectiveAccess {
  roles: string[];
  permissions: string[];
  /** The broadest of their roles' data scopes; `custom` departments are added to it. */
  dataScope: DataScope;
  customDepartmentIds: string[];
}

export interface StaffInput {
  username: string;
  name: string;
  password: string;
  departmentId: string;
  roles: string[];
  postIds?: string[];
  /** For enrolment tests and seeds; otherwise generated for privileged accounts. */
  totpSecret?: string;
}

/**
 * The staff directory (组织机构与人员): department tree, posts (岗位), roles with permissions
 * and data scope (角色与数据权限), staff accounts. Separation of duties (三员分立): no role and
 * no person holds both identity administration and security audit.
 */
@Injectable()
export class StaffDirectoryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly throttle: LoginThrottleService,
  ) {}

  /** Adds a department under `parentId` (or a root province) with its materialised path. */
  async createDepartment(name: string, level: Department['level'], parentId: string | null): Promise<Department> {
    const repo = this.dataSource.getRepository(Department);
    const parent = parentId ? await repo.findOneBy({ id: parentId }) : null;
    if (parentId && !parent) throw IdentityProblem.UNKNOWN_DEPARTMENT(`上级部门 (parent department) ${parentId}`);
    if (!parent && level !== 'province')
      throw IdentityProblem.INVALID_DEPARTMENT_LEVEL('只有省级部门可作为根节点 (only a province can be a root)');
    if (parent && !LEVEL_BELOW[parent.level].includes(level)) {
      throw IdentityProblem.INVALID_DEPARTMENT_LEVEL(`${parent.level} 下不能设 ${level} (a ${level} cannot sit under a ${parent.level})`);
    }
    const id = randomUUID();
    const department = { id, parentId, name, level, path: `${parent?.path ?? '/'}${id}/`, createdAt: new Date() };
    await repo.insert(department);
    return department;
  }

  departments(): Promise<Department[]> {
    return this.dataSource.getRepository(Department).find({ order: { path: 'ASC' } });
  }

  /** Every department bearing one of these names. */
  departmentsNamed(names: string[]): Promise<Department[]> {
    return this.dataSource.getRepository(Department).find({ where: { name: In([...new Set(names)]) }, order: { path: 'ASC' } });
  }

  async createPost(departmentId: string, code: string, name: string): Promise<Post> {
    await this.requireDepartment(departmentId);
    const post = { id: randomUUID(), departmentId, code, name, createdAt: new Date() };
    try {
      await this.dataSource.getRepository(Post).insert(post);
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw IdentityProblem.POST_EXISTS(code);
      throw err;
    }
    return post;
  }

  posts(departmentId?: string): Promise<Post[]> {
    return this.dataSource.getRepository(Post).find({ where: departmentId ? { departmentId } : {}, order: { code: 'ASC' } });
  }

  roles(): Promise<Role[]> {
    return this.dataSource.getRepository(Role).find({ order: { code: 'ASC' } });
  }

  /** Creates or updates a role; built-in roles keep their permissions (their data scope can change). */
  async saveRole(input: {
    code: string;
    name: string;
    permissions: string[];
    dataScope: DataScope;
    customDepartmentIds?: string[];
  }): Promise<Role> {
    const unknown = input.permissions.filter((p) => !ALL_PERMISSIONS.includes(p));
    if (unknown.length > 0) throw IdentityProblem.UNKNOWN_PERMISSION(unknown.join(', '));
    assertSeparated(input.permissions);
    const custom = input.dataScope === 'custom' ? (input.customDepartmentIds ?? []) : [];
    if (input.dataScope === 'custom' && custom.length === 0) throw IdentityProblem.CUSTOM_SCOPE_EMPTY();
    for (const id of custom) await this.requireDepartment(id);
    const repo = this.dataSource.getRepository(Role);
    const existing = await repo.findOneBy({ code: input.code });
    if (existing?.builtIn && [...existing.permissions].sort().join() !== [...input.permissions].sort().join()) {
      throw IdentityProblem.BUILT_IN_ROLE(input.code);
    }
    if (existing) {
      // A change must not give anyone who holds the role both admin and audit.
      const holders = await this.dataSource
        .getRepository(StaffAccount)
        .createQueryBuilder('s')
        .where(':code = ANY(s.roles)', { code: input.code })
        .getMany();
      for (const h of holders)
        assertSeparated([...(await this.permissionsOf(h.roles.filter((r) => r !== input.code))), ...input.permissions]);
    }
    const role: Role = {
      code: input.code,
      name: input.name,
      permissions: input.permissions,
      dataScope: input.dataScope,
      customDepartmentIds: custom,
      builtIn: existing?.builtIn ?? false,
      createdAt: existing?.createdAt ?? new Date(),
    };
    await repo.save(role);
    return role;
  }

  /** Creates a staff account; privileged accounts get a TOTP secret (returned once, for enrolment). */
  async createStaff(input: StaffInput): Promise<StaffAccount> {
    const username = input.username.trim().toLowerCase();
    if (!USERNAME.test(username)) {
      throw IdentityProblem.INVALID_USERNAME(input.username);
    }
    await this.requireDepartment(input.departmentId);
    const access = await this.accessOf(input.roles);
    await this.requirePosts(input.postIds ?? []);
    const staff: StaffAccount = {
      id: randomUUID(),
      username,
      name: input.name,
      passwordHash: await hashPassword(input.password),
      departmentId: input.departmentId,
      roles: input.roles,
      postIds: input.postIds ?? [],
      enabled: true,
      totpLastStep: null,
      totpSecret: isPrivileged(access.permissions) ? (input.totpSecret ?? generateSecret()) : null,
      createdAt: new Date(),
    };
    try {
      await this.dataSource.getRepository(StaffAccount).insert(staff);
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw IdentityProblem.USERNAME_TAKEN(username);
      throw err;
    }
    return staff;
  }

  /** Changes a staff member's department, roles, posts or status; a newly privileged account gets a TOTP secret. */
  async updateStaff(
    id: string,
    change: { departmentId?: string; roles?: string[]; postIds?: string[]; enabled?: boolean },
  ): Promise<StaffAccount> {
    const repo = this.dataSource.getRepository(StaffAccount);
    const staff = await repo.findOneBy({ id });
    if (!staff) throw IdentityProblem.UNKNOWN_STAFF(id);
    if (change.departmentId) await this.requireDepartment(change.departmentId);
    if (change.postIds) await this.requirePosts(change.postIds);
    const next = { ...staff, ...definedOnly(change) };
    const access = await this.accessOf(next.roles);
    if (isPrivileged(access.permissions) && !next.totpSecret) next.totpSecret = generateSecret();
    await repo.save(next);
    return next;
  }

  /** Sets a new password and lifts a lock-out. */
  async resetPassword(id: string, password: string): Promise<void> {
    const staff = await this.findStaff(id);
    if (!staff) throw IdentityProblem.UNKNOWN_STAFF(id);
    await this.dataSource.getRepository(StaffAccount).update({ id }, { passwordHash: await hashPassword(password) });
    await this.throttle.unlock(`staff:${staff.username}`);
  }

  /**
   * Roles an identity admin may hand out through the admin API: none that carries
   * `identity:admin` or `audit:read` (三员分立: an admin who could create an auditor account
   * would hold both). Privileged accounts are provisioned by the platform operator
   * (`POST /internal/v1/staff`).
   */
  async assertAssignableByAdmin(roleCodes: string[]): Promise<void> {
    if (isPrivileged(await this.permissionsOf(roleCodes))) {
      throw IdentityProblem.PRIVILEGED_ROLE(
        '身份管理员不能授予管理或审计角色，特权账号由平台运维通过内部接口开通 (identity admins cannot grant admin or audit roles; the platform operator provisions privileged accounts)',
      );
    }
  }

  findStaff(id: string): Promise<StaffAccount | null> {
    return this.dataSource.getRepository(StaffAccount).findOneBy({ id });
  }

  findStaffByUsername(username: string): Promise<StaffAccount | null> {
    return this.dataSource.getRepository(StaffAccount).findOneBy({ username: username.trim().toLowerCase() });
  }

  listStaff(departmentId?: string): Promise<StaffAccount[]> {
    return this.dataSource.getRepository(StaffAccount).find({ where: departmentId ? { departmentId } : {}, order: { username: 'ASC' } });
  }

  /** Roles → permissions and data scope; refuses unknown roles and admin + audit together. */
  async accessOf(roleCodes: string[]): Promise<EffectiveAccess> {
    if (roleCodes.length === 0) throw IdentityProblem.ROLE_REQUIRED();
    const roles = await this.dataSource.getRepository(Role).findBy({ code: In(roleCodes) });
    const unknown = roleCodes.filter((c) => !roles.some((r) => r.code === c));
    if (unknown.length > 0) throw IdentityProblem.UNKNOWN_ROLE(unknown.join(', '));
    const permissions = [...new Set(roles.flatMap((r) => r.permissions))].sort();
    assertSeparated(permissions);
    const scoped = roles.filter((r) => r.dataScope !== 'custom');
    const dataScope =
      scoped.length === 0
        ? 'custom'
        : scoped.reduce<DataScope>((a, r) => (SCOPE_BREADTH[r.dataScope] > SCOPE_BREADTH[a] ? r.dataScope : a), 'self');
    return { roles: roleCodes, permissions, dataScope, customDepartmentIds: [...new Set(roles.flatMap((r) => r.customDepartmentIds))] };
  }

  /** Claims a staff member's tokens carry: department, data scope, roles, permissions (see libs/identity). */
  async staffClaims(id: string): Promise<Record<string, unknown> | undefined> {
    const staff = await this.findStaff(id);
    if (!staff || !staff.enabled) return undefined;
    const access = await this.accessOf(staff.roles);
    const departments = this.dataSource.getRepository(Department);
    const own = await departments.findOneBy({ id: staff.departmentId });
    const custom = access.customDepartmentIds.length > 0 ? await departments.findBy({ id: In(access.customDepartmentIds) }) : [];
    return {
      acr: acrForLevel(AssuranceLevel.RealName),
      dept: staff.departmentId,
      dept_path: own?.path,
      data_scope: access.dataScope,
      roles: staff.roles,
      perms: access.permissions,
      ...(staff.postIds.length > 0 ? { posts: staff.postIds } : {}),
      ...(custom.length > 0 ? { custom_dept_paths: custom.map((d) => d.path) } : {}),
    };
  }

  async isPrivileged(staff: StaffAccount): Promise<boolean> {
    return isPrivileged(await this.permissionsOf(staff.roles));
  }

  private async permissionsOf(roleCodes: string[]): Promise<string[]> {
    if (roleCodes.length === 0) return [];
    return (await this.dataSource.getRepository(Role).findBy({ code: In(roleCodes) })).flatMap((r) => r.permissions);
  }

  private async requireDepartment(id: string): Promise<void> {
    if (!(await this.dataSource.getRepository(Department).existsBy({ id }))) throw IdentityProblem.UNKNOWN_DEPARTMENT(id);
  }

  private async requirePosts(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const found = await this.dataSource.getRepository(Post).countBy({ id: In(ids) });
    if (found !== new Set(ids).size) throw IdentityProblem.UNKNOWN_POST();
  }
}

function isPrivileged(permissions: readonly string[]): boolean {
  return permissions.some((p) => PRIVILEGED_PERMISSIONS.includes(p));
}

function assertSeparated(permissions: readonly string[]): void {
  if (permissions.includes(PERMISSIONS.IdentityAdmin) && permissions.includes(PERMISSIONS.AuditRead)) {
    throw IdentityProblem.SEPARATION_OF_DUTIES();
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
