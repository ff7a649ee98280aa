import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { CompositeDefinition } from './composite-definition.js';

/**
 * A published composite capability (组合能力): its definition as checked at publication and, when
 * it came as YAML, the text as written. Listed in the registry like any capability (topic
 * `composite`); its status and visibility are the registry's.
 */
@Entity({ name: 'composite' })
export class Composite {
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_composite' })
  code!: string;

  @PrimaryColumn({ type: 'varchar', length: 8, primaryKeyConstraintName: 'PK_composite' })
  version!: string;

  @Column({ type: 'jsonb' })
  definition!: CompositeDefinition;

  /** The YAML as published (null when published as JSON). */
  @Column({ type: 'text', nullable: true })
  source!: string | null;

  @Column({ type: 'varchar', length: 64, name: 'published_by' })
  publishedBy!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'published_at' })
  publishedAt!: Date;
}
