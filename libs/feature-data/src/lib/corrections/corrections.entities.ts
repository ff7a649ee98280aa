import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export type CorrectionStatus = 'open' | 'accepted' | 'rejected';

/**
 * 数据纠错: a value the applicant disputes (a data element the platform prefilled), sent to the
 * department that provides the resource. The department answers within 10 working days:
 * accepted (it publishes the corrected record through ingestion, as for any change) or rejected
 * with its reason. One open request per subject, resource and item.
 */
@Entity({ name: 'data_correction' })
@Index('UQ_data_correction_open', ['subjectKey', 'resourceCode', 'item'], { unique: true, where: `status = 'open'` })
@Index('IDX_data_correction_owner_status', ['ownerDepartment', 'status'])
export class DataCorrection {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_data_correction' })
  id!: string;

  @Column({ type: 'varchar', length: 64, name: 'resource_code' })
  resourceCode!: string;

  /** The subject's keyed hash (the record's key); the plain ID number or credit code is not kept. */
  @Column({ type: 'char', length: 64, name: 'subject_key' })
  subjectKey!: string;

  /** The subject as the department can recognise it: the masked key (320102********1233), as stored with the record. */
  @Column({ type: 'varchar', length: 64, name: 'subject_masked' })
  subjectMasked!: string;

  @Column({ type: 'varchar', length: 64 })
  item!: string;

  /** The value disputed, as stored when the request was filed (the department provides it: shown to it in plain). */
  @Column({ type: 'jsonb', name: 'current_value', nullable: true })
  currentValue!: unknown;

  @Column({ type: 'varchar', length: 16, name: 'data_element' })
  dataElement!: string;

  @Column({ type: 'varchar', length: 500, name: 'proposed_value' })
  proposedValue!: string;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  @Column({ type: 'varchar', length: 64, name: 'owner_department' })
  ownerDepartment!: string;

  /** The app the applicant used, the applicant's account and the case, if any. */
  @Column({ type: 'varchar', length: 64 })
  app!: string;

  @Column({ type: 'varchar', length: 128, name: 'requested_by' })
  requestedBy!: string;

  @Column({ type: 'varchar', length: 64, name: 'case_id', nullable: true })
  caseId!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'open' })
  status!: CorrectionStatus;

  /** The day the department must answer by (10 working days); provisional when the calendar did not answer. */
  @Column({ type: 'varchar', length: 10, name: 'due_on' })
  dueOn!: string;

  @Column({ type: 'boolean', default: false })
  provisional!: boolean;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'decided_at', nullable: true })
  decidedAt!: Date | null;

  @Column({ type: 'varchar', length: 128, name: 'decided_by', nullable: true })
  decidedBy!: string | null;

  @Column({ type: 'varchar', length: 1000, name: 'decision_reason', nullable: true })
  decisionReason!: string | null;
}
