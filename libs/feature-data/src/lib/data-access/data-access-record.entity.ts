import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** One access to a subject's personal data anywhere on the platform ("who used my data"). */
@Entity({ name: 'data_access_record' })
@Index('IDX_data_access_record_subject', ['subjectKey', 'accessedAt'])
@Index('UQ_data_access_record_seq', ['seq'], { unique: true })
@Index('IDX_data_access_record_unsealed', ['recordedAt'], { where: 'seq IS NULL' })
export class DataAccessRecord {
  /** Id of the event that reported the access. */
  @PrimaryColumn({ type: 'uuid', name: 'event_id' })
  eventId!: string;

  @Column({ type: 'char', length: 64, name: 'subject_key' })
  subjectKey!: string;

  /** What was read, e.g. `e-licence`. */
  @Column({ type: 'varchar', length: 64 })
  resource!: string;

  @Column({ type: 'varchar', length: 64 })
  provider!: string;

  @Column({ type: 'varchar', length: 64 })
  app!: string;

  @Column({ type: 'varchar', length: 128, name: 'end_user', nullable: true })
  endUser!: string | null;

  @Column({ type: 'varchar', length: 256, nullable: true })
  purpose!: string | null;

  @Column({ type: 'varchar', length: 64, name: 'case_id', nullable: true })
  caseId!: string | null;

  @Column({ type: 'varchar', length: 128, name: 'correlation_id' })
  correlationId!: string;

  /** The registered legal basis declared (code), when the reader had no authorisation from the subject. */
  @Column({ type: 'varchar', length: 64, name: 'legal_basis', nullable: true })
  legalBasis!: string | null;

  /** The basis as people read it (《law》article). */
  @Column({ type: 'varchar', length: 256, name: 'legal_basis_title', nullable: true })
  legalBasisTitle!: string | null;

  /** READ, or REFUSED (an attempt without a basis: nothing was read). */
  @Column({ type: 'varchar', length: 8, default: 'READ' })
  outcome!: 'READ' | 'REFUSED';

  @Column({ type: 'integer', name: 'item_count' })
  itemCount!: number;

  @Column({ type: 'timestamptz', name: 'accessed_at' })
  accessedAt!: Date;

  /** The reading department, when known (a grant's applicant department). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  department!: string | null;

  /** Processing type: data-read, data-exists, data-item, data-prefill, licence lookups … (null on records older than the field). */
  @Column({ type: 'varchar', length: 32, nullable: true })
  processing!: string | null;

  /** Part of bulk processing (a scan over many subjects, e.g. a policy's eligibility), not a read about this subject alone. */
  @Column({ type: 'boolean', default: false })
  bulk!: boolean;

  /** Not shown to the subject before this time (an investigation the owner department approved concealing), with the reason. */
  @Column({ type: 'timestamptz', name: 'hidden_until', nullable: true })
  hiddenUntil!: Date | null;

  @Column({ type: 'varchar', length: 256, name: 'hidden_reason', nullable: true })
  hiddenReason!: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'recorded_at' })
  recordedAt!: Date;

  /** Place in the hash chain (sealed within seconds of being recorded; null until then). */
  @Column({ type: 'bigint', nullable: true })
  seq!: string | null;

  /** SM3 over the previous record's chain hash and this record's fields: a changed or removed record breaks every later link. */
  @Column({ type: 'char', length: 64, name: 'chain_hash', nullable: true })
  chainHash!: string | null;
}
