import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { DataScope } from '@gmp/identity';

/** Permissions a role can hold; tokens carry the union of a staff member's roles' permissions (`perms`). */
export const PERMISSIONS = {
  /** Manage departments, posts, roles and staff accounts (身份管理). */
  IdentityAdmin: 'identity:admin',
  /** Read login and operation logs (安全审计). */
  AuditRead: 'audit:read',
  /** Handle cases of the departments in the data scope (业务办理). */
  CaseHandle: 'case:handle',
  /** Read shared data of the departments in the data scope. */
  DataRead: 'data:read',
  /** Review 好差评 rectifications: approve an "invalid rating" or "cannot be rectified" request, accept a rectified one (好差评审核). */
  RatingReview: 'rating:review',
  /** Publish 免申即享 policies and dry-run their eligibility rules over every subject's data (政策管理). */
  PolicyManage: 'policy:manage',
} as const;
export type Permission = (typeof PERMISSIONS)[keyof typeof PERMISSIONS];
export const ALL_PERMISSIONS: readonly string[] = Object.values(PERMISSIONS);

/**
 * A role (角色): permissions and a data scope (数据权限). Built-in roles (identity-admin,
 * security-auditor, operator) are created by the migration and cannot be deleted; admins add
 * their own. Holding identity:admin and audit:read together is refused (三员分立).
 */
@Entity({ name: 'role' })
export class Role {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  code!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'text', array: true })
  permissions!: string[];

  @Column({ type: 'varchar', length: 16, name: 'data_scope' })
  dataScope!: DataScope;

  /** For data scope `custom`: the departments (and everything below them) the role sees. */
  @Column({ type: 'uuid', array: true, name: 'custom_department_ids', default: () => "'{}'" })
  customDepartmentIds!: string[];

  @Column({ type: 'boolean', name: 'built_in', default: false })
  builtIn!: boolean;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
