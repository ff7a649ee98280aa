import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A node of the department tree (province → city → county → department). */
@Entity({ name: 'department' })
@Index('IDX_department_path', ['path'])
export class Department {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'uuid', name: 'parent_id', nullable: true })
  parentId!: string | null;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  level!: 'province' | 'city' | 'county' | 'department';

  /** Materialised path of ids: `/<root>/…/<this>/`; `dept_and_below` is a prefix match on it. */
  @Column({ type: 'varchar', length: 1024 })
  path!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
