import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { QualityReason } from './quality-rules.js';

export type BulkLoadStatus = 'received' | 'processing' | 'done' | 'failed';

/**
 * A bulk backfill (批量归集): an NDJSON upload landed in `data_bulk_line` by COPY, then checked
 * and stored a chunk at a time. Kept after it is done (who loaded what, when, with what outcome).
 */
@Entity({ name: 'data_bulk_load' })
@Index('IDX_data_bulk_load_pending', ['receivedAt'], { where: "status IN ('received', 'processing')" })
export class BulkLoad {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'varchar', length: 64, name: 'resource_code' })
  resourceCode!: string;

  @Column({ type: 'varchar', length: 64 })
  department!: string;

  @Column({ type: 'varchar', length: 16 })
  origin!: 'http' | 'national';

  @Column({ type: 'varchar', length: 128, name: 'submitted_by' })
  submittedBy!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: BulkLoadStatus;

  /** Lines received (blank lines not counted). */
  @Column({ type: 'int' })
  lines!: number;

  @Column({ type: 'bigint', name: 'bytes' })
  bytes!: string;

  /** The last line number checked and stored or quarantined (the chunk's transaction moves it). */
  @Column({ type: 'int', default: 0 })
  processed!: number;

  @Column({ type: 'int', default: 0 })
  stored!: number;

  @Column({ type: 'int', default: 0 })
  unchanged!: number;

  @Column({ type: 'int', default: 0 })
  stale!: number;

  @Column({ type: 'int', default: 0 })
  quarantined!: number;

  /** The first quarantined lines (at most 100) with their entry ids and reasons; the quarantine holds them all. */
  @Column({ type: 'jsonb', name: 'quarantine_sample', default: () => "'[]'" })
  quarantineSample!: { line: number; id: string; reasons: QualityReason[] }[];

  @Column({ type: 'varchar', length: 1000, nullable: true })
  error!: string | null;

  @Column({ type: 'timestamptz', name: 'received_at' })
  receivedAt!: Date;

  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true })
  finishedAt!: Date | null;
}

/** A line of a bulk load not processed yet (the staging table; deleted in the transaction that processes it). */
@Entity({ name: 'data_bulk_line' })
export class BulkLine {
  @PrimaryColumn({ type: 'uuid', name: 'load_id', primaryKeyConstraintName: 'PK_data_bulk_line' })
  loadId!: string;

  @PrimaryColumn({ type: 'int', name: 'line_no', primaryKeyConstraintName: 'PK_data_bulk_line' })
  lineNo!: number;

  @Column({ type: 'text' })
  line!: string;
}
