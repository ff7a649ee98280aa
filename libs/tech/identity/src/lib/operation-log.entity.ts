import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** Operation log (操作日志): every administrative change — who, when, what, on what, outcome. */
@Entity({ name: 'operation_log' })
@Index('IDX_operation_log_at', ['at'])
export class OperationLog {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** The operator's subject (`staff:<id>`). */
  @Column({ type: 'varchar', length: 64 })
  operator!: string;

  /** e.g. department.create, staff.disable, role.update. */
  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ type: 'varchar', length: 128, nullable: true })
  target!: string | null;

  /** SUCCEEDED, REFUSED (with the problem code in detail) or FAILED. */
  @Column({ type: 'varchar', length: 16 })
  outcome!: 'SUCCEEDED' | 'REFUSED' | 'FAILED';

  @Column({ type: 'varchar', length: 512, nullable: true })
  detail!: string | null;

  @Column({ type: 'varchar', length: 64, name: 'remote_address', nullable: true })
  remoteAddress!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;
}
