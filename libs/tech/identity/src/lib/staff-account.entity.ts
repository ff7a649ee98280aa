import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** Built-in roles (the migration creates them); admins can add more (role table). */
export const BUILT_IN_ROLES = ['identity-admin', 'security-auditor', 'operator'] as const;
export type StaffRole = string;

/** A department official's account (工作人员). */
@Entity({ name: 'staff_account' })
export class StaffAccount {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** Stored in lower case; sign-in is case-insensitive. Never shaped like an ID number. */
  @Column({ type: 'varchar', length: 64, unique: true })
  username!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'varchar', length: 255, name: 'password_hash' })
  passwordHash!: string;

  @Column({ type: 'uuid', name: 'department_id' })
  departmentId!: string;

  /** Role codes (role table); data scope and permissions come from the roles. */
  @Column({ type: 'text', array: true, name: 'roles' })
  roles!: StaffRole[];

  /** Posts (岗位) held. */
  @Column({ type: 'uuid', array: true, name: 'post_ids', default: () => "'{}'" })
  postIds!: string[];

  /** A disabled account cannot sign in (离职/停用); it is kept for the audit trail. */
  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /** The last TOTP time step accepted: a code cannot be used twice. */
  @Column({ type: 'bigint', name: 'totp_last_step', nullable: true })
  totpLastStep!: string | null;

  /** Base32 TOTP secret (to move behind the crypto provider with the e-seal issue). */
  @Column({ type: 'varchar', length: 64, name: 'totp_secret', nullable: true })
  totpSecret!: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
