import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export const STAFF_ROLES = ['identity-admin', 'security-auditor', 'operator'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
/** Roles that need a second factor (TOTP) at every login. */
export const PRIVILEGED_ROLES: readonly StaffRole[] = ['identity-admin', 'security-auditor'];

/** A department official's account (工作人员). */
@Entity({ name: 'staff_account' })
export class StaffAccount {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  username!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'varchar', length: 255, name: 'password_hash' })
  passwordHash!: string;

  @Column({ type: 'uuid', name: 'department_id' })
  departmentId!: string;

  @Column({ type: 'text', array: true })
  roles!: StaffRole[];

  /** all | custom | dept | dept_and_below | self */
  @Column({ type: 'varchar', length: 16, name: 'data_scope' })
  dataScope!: string;

  @Column({ type: 'uuid', array: true, name: 'custom_department_ids', default: () => "'{}'" })
  customDepartmentIds!: string[];

  /** Base32 TOTP secret (to move behind the crypto provider with the e-seal issue). */
  @Column({ type: 'varchar', length: 64, name: 'totp_secret', nullable: true })
  totpSecret!: string | null;

  @Column({ type: 'integer', name: 'failed_logins', default: 0 })
  failedLogins!: number;

  @Column({ type: 'timestamptz', name: 'locked_until', nullable: true })
  lockedUntil!: Date | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
