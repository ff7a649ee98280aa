import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** Every lookup of a subject's licences, written in the same transaction as its audit event. */
@Entity({ name: 'licence_access_log' })
@Index('IDX_licence_access_log_subject', ['subjectKey'])
export class LicenceAccessLog {
  /** Id of the LicenceAccessed event announcing this access. */
  @PrimaryColumn({ type: 'uuid', name: 'event_id' })
  eventId!: string;

  @Column({ type: 'char', length: 64, name: 'subject_key' })
  subjectKey!: string;

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

  /** READ, or REFUSED (no authorisation and no legal basis: nothing was returned). */
  @Column({ type: 'varchar', length: 8, default: 'READ' })
  outcome!: 'READ' | 'REFUSED';

  /** Why the read was allowed: self (the holder, signed in), authorisation (用证授权), legal-basis. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  basis!: 'self' | 'authorisation' | 'legal-basis' | null;

  @Column({ type: 'varchar', length: 256, name: 'legal_basis', nullable: true })
  legalBasis!: string | null;

  @Column({ type: 'integer', name: 'licence_count' })
  licenceCount!: number;

  @CreateDateColumn({ type: 'timestamptz', name: 'accessed_at' })
  accessedAt!: Date;
}
