import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One hash chain of the call audit: each dispatch instance, from its start, appends to a chain
 * of its own (no lock shared between instances). The head records the last entry, so cutting
 * entries off the end is found too; `anchor*` is where retention pruning left the chain.
 */
@Entity({ name: 'call_audit_chain' })
export class CallAuditChain {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_call_audit_chain' })
  id!: string;

  /** Host and process that wrote it. */
  @Column({ type: 'varchar', length: 128 })
  writer!: string;

  @Column({ type: 'timestamptz', name: 'started_at' })
  startedAt!: Date;

  @Column({ type: 'bigint', name: 'last_seq', default: 0 })
  lastSeq!: string;

  /** Hash of the last entry (hex), or the chain's genesis hash while empty. */
  @Column({ type: 'char', length: 64, name: 'last_hash' })
  lastHash!: string;

  /** Entries up to this sequence number were pruned (retention); 0 = none. */
  @Column({ type: 'bigint', name: 'anchor_seq', default: 0 })
  anchorSeq!: string;

  /** Hash of the last pruned entry (hex), or the genesis hash. */
  @Column({ type: 'char', length: 64, name: 'anchor_hash' })
  anchorHash!: string;
}

/** A call through dispatch — accepted or refused — with who, what, why, the outcome and the request's hash. */
@Entity({ name: 'call_audit' })
@Index('IDX_call_audit_app_at', ['app', 'at'])
export class CallAuditEntry {
  @PrimaryColumn({ type: 'uuid', name: 'chain_id', primaryKeyConstraintName: 'PK_call_audit' })
  chainId!: string;

  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_call_audit' })
  seq!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;

  /** The authenticated app, or for a refused attempt the app it claimed to be (prefixed `?`), or null. */
  @Column({ type: 'varchar', length: 80, nullable: true })
  app!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  capability!: string | null;

  @Column({ type: 'varchar', length: 16 })
  operation!: string;

  @Column({ type: 'varchar', length: 128, name: 'end_user', nullable: true })
  endUser!: string | null;

  @Column({ type: 'varchar', length: 256, nullable: true })
  purpose!: string | null;

  @Column({ type: 'varchar', length: 64, name: 'case_id', nullable: true })
  caseId!: string | null;

  @Column({ type: 'varchar', length: 128, name: 'correlation_id', nullable: true })
  correlationId!: string | null;

  /** HTTP status answered. */
  @Column({ type: 'smallint' })
  status!: number;

  /** The problem's code when refused or failed (GRANT_REQUIRED, SIGNATURE_REPLAYED, PROVIDER_TIMEOUT …). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  code!: string | null;

  @Column({ type: 'integer', name: 'latency_ms' })
  latencyMs!: number;

  /** SM3 of the request body as received (hex). */
  @Column({ type: 'char', length: 64, name: 'request_hash' })
  requestHash!: string;

  @Column({ type: 'char', length: 64, name: 'prev_hash' })
  prevHash!: string;

  /** SM3(prev_hash ‖ canonical JSON of this entry's fields), hex. */
  @Column({ type: 'char', length: 64 })
  hash!: string;
}
