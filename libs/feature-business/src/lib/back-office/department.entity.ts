import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A department that handles matters, as the staff directory (identity) places it: the path its
 * staff's tokens carry (`dept_path`), which data scopes compare. Kept in step by
 * DepartmentDirectoryService; `unknown` and `ambiguous` names are visible only to `all` scopes.
 */
@Entity({ name: 'biz_department' })
export class BizDepartment {
  /** The department's name as matters name it. */
  @PrimaryColumn({ type: 'varchar', length: 128, primaryKeyConstraintName: 'PK_biz_department' })
  name!: string;

  @Column({ type: 'uuid', name: 'identity_id', nullable: true })
  identityId!: string | null;

  @Column({ type: 'varchar', length: 1024, nullable: true })
  path!: string | null;

  /** `resolved`; `unknown`: identity has no department of that name; `ambiguous`: it has several. */
  @Column({ type: 'varchar', length: 16 })
  status!: 'resolved' | 'unknown' | 'ambiguous';

  @Column({ type: 'timestamptz', name: 'checked_at' })
  checkedAt!: Date;
}
