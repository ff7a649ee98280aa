import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A post (岗位) in a department, e.g. 综合受理窗口; staff hold posts. */
@Entity({ name: 'post' })
@Index('UQ_post_department_code', ['departmentId', 'code'], { unique: true })
export class Post {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'uuid', name: 'department_id' })
  departmentId!: string;

  @Column({ type: 'varchar', length: 32 })
  code!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
