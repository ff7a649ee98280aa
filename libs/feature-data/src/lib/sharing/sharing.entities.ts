import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const SHARE_STATUSES = ['pending', 'approved', 'refused', 'escalated', 'revoked', 'expired'] as const;
export type ShareStatus = (typeof SHARE_STATUSES)[number];

/**
 * 共享申请 and, once approved, the grant (共享授权): which department's app may read which items
 * of a resource, why, on what legal basis, until when. Conditional resources wait for the
 * owner's answer (due within 10 working days); unconditional ones are approved at once.
 */
@Entity({ name: 'data_share' })
@Index('IDX_data_share_resource_status', ['resourceCode', 'status'])
export class DataShare {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_data_share' })
  id!: string;

  @Column({ type: 'varchar', length: 64, name: 'resource_code' })
  resourceCode!: string;

  /** The provider department (数据提供方) — the only one that decides. */
  @Column({ type: 'varchar', length: 64, name: 'owner_department' })
  ownerDepartment!: string;

  @Column({ type: 'varchar', length: 64, name: 'applicant_department' })
  applicantDepartment!: string;

  /** The dispatch app that will call the data services with this grant. */
  @Column({ type: 'varchar', length: 64, name: 'app_key' })
  appKey!: string;

  @Column({ type: 'jsonb' })
  items!: string[];

  @Column({ type: 'varchar', length: 500 })
  purpose!: string;

  @Column({ type: 'varchar', length: 500, name: 'legal_basis' })
  legalBasis!: string;

  @Column({ type: 'int', name: 'valid_days' })
  validDays!: number;

  /** Plain (unmasked) values: asked for by the applicant, granted only by the owner's decision. */
  @Column({ type: 'boolean', name: 'plain_requested', default: false })
  plainRequested!: boolean;

  @Column({ type: 'boolean', name: 'plain_values', default: false })
  plainValues!: boolean;

  /**
   * Reads under the grant kept from the subjects' data-use log for this many days (an
   * investigation that must not be tipped off), with the reason: asked for by the applicant,
   * always decided by the owner department (never granted by the catalogue alone).
   */
  @Column({ type: 'int', name: 'hide_reads_days', nullable: true })
  hideReadsDays!: number | null;

  @Column({ type: 'varchar', length: 256, name: 'hide_reason', nullable: true })
  hideReason!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: ShareStatus;

  /** The day the owner must answer by (conditional resources): 10 working days after the application. */
  @Column({ type: 'date', name: 'due_on', nullable: true })
  dueOn!: string | null;

  /** The due day was counted over a year whose holiday arrangement is not published (or without the calendar). */
  @Column({ type: 'boolean', default: false })
  provisional!: boolean;

  @Column({ type: 'timestamptz', name: 'valid_until', nullable: true })
  validUntil!: Date | null;

  @Column({ type: 'varchar', length: 128, name: 'requested_by' })
  requestedBy!: string;

  @Column({ type: 'timestamptz', name: 'requested_at' })
  requestedAt!: Date;

  @Column({ type: 'varchar', length: 128, name: 'decided_by', nullable: true })
  decidedBy!: string | null;

  @Column({ type: 'timestamptz', name: 'decided_at', nullable: true })
  decidedAt!: Date | null;

  /** Why refused, revoked (or the resource's reason for not sharing). */
  @Column({ type: 'varchar', length: 1000, name: 'decision_reason', nullable: true })
  decisionReason!: string | null;

  @Column({ type: 'timestamptz', name: 'reminded_at', nullable: true })
  remindedAt!: Date | null;
}

/** When each granted item was last read under a grant (least-privilege report). */
@Entity({ name: 'data_share_item_use' })
export class DataShareItemUse {
  @PrimaryColumn({ type: 'uuid', name: 'share_id', primaryKeyConstraintName: 'PK_data_share_item_use' })
  shareId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_data_share_item_use' })
  item!: string;

  @Column({ type: 'timestamptz', name: 'last_read_at' })
  lastReadAt!: Date;

  @Column({ type: 'int' })
  reads!: number;
}
