import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ResourceDefinitionBody } from './catalogue.dto.js';

/** 数据资源目录: one row per resource, its current version; the definition as the provider department gave it. */
@Entity({ name: 'data_resource' })
@Index('IDX_data_resource_provider', ['providerDepartment'])
export class DataResource {
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_data_resource' })
  code!: string;

  @Column({ type: 'int' })
  version!: number;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ type: 'varchar', length: 64, name: 'provider_department' })
  providerDepartment!: string;

  @Column({ type: 'varchar', length: 16, name: 'sharing_type' })
  sharingType!: ResourceDefinitionBody['sharingType'];

  @Column({ type: 'varchar', length: 16, nullable: true })
  library!: string | null;

  /** active; retired (no more records accepted, kept for history). */
  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: 'active' | 'retired';

  @Column({ type: 'jsonb' })
  definition!: ResourceDefinitionBody;

  /** JSON Schema of a record, generated from the items. */
  @Column({ type: 'jsonb', name: 'record_schema' })
  recordSchema!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 128, name: 'updated_by' })
  updatedBy!: string;

  @Column({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}

/** Every version of every resource, as published (版本变更记录). */
@Entity({ name: 'data_resource_version' })
export class DataResourceVersion {
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_data_resource_version' })
  code!: string;

  @PrimaryColumn({ type: 'int', primaryKeyConstraintName: 'PK_data_resource_version' })
  version!: number;

  @Column({ type: 'jsonb' })
  definition!: ResourceDefinitionBody;

  @Column({ type: 'varchar', length: 500, name: 'change_note', nullable: true })
  changeNote!: string | null;

  @Column({ type: 'varchar', length: 128, name: 'changed_by' })
  changedBy!: string;

  @Column({ type: 'timestamptz', name: 'changed_at' })
  changedAt!: Date;
}
