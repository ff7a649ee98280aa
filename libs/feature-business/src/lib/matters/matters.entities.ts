import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { MatterDefinition } from './matter-definition.js';

/** 政务服务事项目录: one row per matter (its 实施编码), its current version. */
@Entity({ name: 'biz_matter' })
@Index('IDX_biz_matter_base_code', ['baseCode'])
export class BizMatter {
  @PrimaryColumn({ type: 'varchar', length: 28, primaryKeyConstraintName: 'PK_biz_matter' })
  code!: string;

  @Column({ type: 'varchar', length: 9, name: 'base_code' })
  baseCode!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  type!: string;

  @Column({ type: 'varchar', length: 64 })
  department!: string;

  @Column({ type: 'varchar', length: 16 })
  level!: string;

  @Column({ type: 'varchar', length: 6 })
  region!: string;

  @Column({ type: 'varchar', length: 16 })
  target!: string;

  @Column({ type: 'int' })
  version!: number;

  @Column({ type: 'jsonb' })
  definition!: MatterDefinition;

  @Column({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;

  @Column({ type: 'varchar', length: 128, name: 'updated_by' })
  updatedBy!: string;
}

/** Every version of a matter, as defined (what a bundle was compiled against stays readable). */
@Entity({ name: 'biz_matter_version' })
export class BizMatterVersion {
  @PrimaryColumn({ type: 'varchar', length: 28, primaryKeyConstraintName: 'PK_biz_matter_version' })
  code!: string;

  @PrimaryColumn({ type: 'int', primaryKeyConstraintName: 'PK_biz_matter_version' })
  version!: number;

  @Column({ type: 'jsonb' })
  definition!: MatterDefinition;

  @Column({ type: 'timestamptz', name: 'changed_at' })
  changedAt!: Date;

  @Column({ type: 'varchar', length: 128, name: 'changed_by' })
  changedBy!: string;
}
