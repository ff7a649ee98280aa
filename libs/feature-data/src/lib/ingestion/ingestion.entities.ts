import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { QualityReason } from './quality-rules.js';

export type RecordOrigin = 'kafka' | 'http' | 'national' | 'quarantine';

/**
 * A resource's current record of one subject (归集库). Keyed by the keyed hash of the key item's
 * value (the ID number or credit code is not stored; a masked form is); the other items in `values`.
 */
@Entity({ name: 'data_record' })
export class DataRecord {
  // The subject first: a profile reads every resource of one subject by this index.
  @PrimaryColumn({ type: 'char', length: 64, name: 'record_key', primaryKeyConstraintName: 'PK_data_record' })
  recordKey!: string;

  @PrimaryColumn({ type: 'varchar', length: 64, name: 'resource_code', primaryKeyConstraintName: 'PK_data_record' })
  resourceCode!: string;

  @Column({ type: 'varchar', length: 64, name: 'key_masked' })
  keyMasked!: string;

  @Column({ type: 'jsonb' })
  values!: Record<string, unknown>;

  /** 1 for the first record, +1 at each change. */
  @Column({ type: 'int' })
  version!: number;

  @Column({ type: 'int', name: 'resource_version' })
  resourceVersion!: number;

  @Column({ type: 'varchar', length: 64, name: 'source_department' })
  sourceDepartment!: string;

  /** When the record changed at its source: an older one arriving later changes nothing. */
  @Column({ type: 'timestamptz', name: 'source_updated_at' })
  sourceUpdatedAt!: Date;

  @Column({ type: 'timestamptz', name: 'received_at' })
  receivedAt!: Date;

  @Column({ type: 'varchar', length: 16 })
  origin!: RecordOrigin;

  /** Keyed hashes of the other subjects the record names (a birth certificate's mother and father): their profiles include it (indexed in DataRecordLink). */
  @Column({ type: 'jsonb', name: 'subject_links' })
  subjectLinks!: string[];
}

/**
 * The index of `subject_links`: which records name a subject (a parent → the births naming them).
 * A plain B-tree the planner always uses — a GIN index on the jsonb column was scanned instead
 * (its estimates for `?` and `?|` are fixed guesses), once per subject of every ingested batch.
 */
@Entity({ name: 'data_record_link' })
export class DataRecordLink {
  @PrimaryColumn({ type: 'char', length: 64, name: 'subject_key', primaryKeyConstraintName: 'PK_data_record_link' })
  subjectKey!: string;

  @PrimaryColumn({ type: 'varchar', length: 64, name: 'resource_code', primaryKeyConstraintName: 'PK_data_record_link' })
  resourceCode!: string;

  @PrimaryColumn({ type: 'char', length: 64, name: 'record_key', primaryKeyConstraintName: 'PK_data_record_link' })
  recordKey!: string;
}

/** Every version a record went through (history): who sent it, when, from where. */
@Entity({ name: 'data_record_history' })
@Index('UQ_data_record_history_version', ['resourceCode', 'recordKey', 'version'], { unique: true })
export class DataRecordHistory {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_data_record_history' })
  id!: string;

  @Column({ type: 'varchar', length: 64, name: 'resource_code' })
  resourceCode!: string;

  @Column({ type: 'char', length: 64, name: 'record_key' })
  recordKey!: string;

  @Column({ type: 'int' })
  version!: number;

  @Column({ type: 'jsonb' })
  values!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 64, name: 'source_department' })
  sourceDepartment!: string;

  @Column({ type: 'timestamptz', name: 'source_updated_at' })
  sourceUpdatedAt!: Date;

  @Column({ type: 'timestamptz', name: 'received_at' })
  receivedAt!: Date;

  @Column({ type: 'varchar', length: 16 })
  origin!: RecordOrigin;
}

/** 问题数据: a record that failed, kept with every reason until corrected and accepted, or discarded. Never dropped. */
@Entity({ name: 'data_quarantine' })
@Index('IDX_data_quarantine_resource_status', ['resourceCode', 'status'])
export class QuarantineEntry {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_data_quarantine' })
  id!: string;

  /** As sent (the resource may be unknown: UNKNOWN_RESOURCE is a reason too). */
  @Column({ type: 'varchar', length: 128, name: 'resource_code' })
  resourceCode!: string;

  @Column({ type: 'varchar', length: 64 })
  department!: string;

  @Column({ type: 'jsonb' })
  record!: unknown;

  @Column({ type: 'varchar', length: 64, name: 'source_updated_at', nullable: true })
  sourceUpdatedAt!: string | null;

  @Column({ type: 'jsonb' })
  reasons!: QualityReason[];

  @Column({ type: 'varchar', length: 16 })
  origin!: RecordOrigin;

  /** open (待处理) → accepted (已更正入库) or discarded (已作废). */
  @Column({ type: 'varchar', length: 16, default: 'open' })
  status!: 'open' | 'accepted' | 'discarded';

  /** Times it was checked (1 on arrival, +1 per re-submission). */
  @Column({ type: 'int', default: 1 })
  attempts!: number;

  @Column({ type: 'timestamptz', name: 'received_at' })
  receivedAt!: Date;

  @Column({ type: 'timestamptz', name: 'resolved_at', nullable: true })
  resolvedAt!: Date | null;

  @Column({ type: 'varchar', length: 128, name: 'resolved_by', nullable: true })
  resolvedBy!: string | null;
}
