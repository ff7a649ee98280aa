import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { BundleDefinition } from './bundle-definition.js';
import type { BundlePlan } from './bundle.compiler.js';

/** 一件事: each published version of a bundle with its compiled plan; retired versions are kept. */
@Entity({ name: 'biz_bundle' })
export class BizBundle {
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_biz_bundle' })
  code!: string;

  @PrimaryColumn({ type: 'int', primaryKeyConstraintName: 'PK_biz_bundle' })
  version!: number;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: 'active' | 'retired';

  @Column({ type: 'jsonb' })
  definition!: BundleDefinition;

  /** The YAML as uploaded (null when it came as JSON). */
  @Column({ type: 'text', nullable: true })
  source!: string | null;

  @Column({ type: 'jsonb' })
  plan!: BundlePlan;

  /** The version of each matter the plan was compiled against (a later change marks the plan stale). */
  @Column({ type: 'jsonb', name: 'matter_versions' })
  matterVersions!: Record<string, number>;

  @Column({ type: 'timestamptz', name: 'published_at' })
  publishedAt!: Date;

  @Column({ type: 'varchar', length: 128, name: 'published_by' })
  publishedBy!: string;

  @Column({ type: 'timestamptz', name: 'retired_at', nullable: true })
  retiredAt!: Date | null;

  @Column({ type: 'varchar', length: 128, name: 'retired_by', nullable: true })
  retiredBy!: string | null;

  @Column({ type: 'varchar', length: 500, name: 'retire_reason', nullable: true })
  retireReason!: string | null;
}
