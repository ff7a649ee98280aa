import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export const GRANT_STATUSES = ['pending', 'approved', 'rejected', 'revoked'] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];

/**
 * An app's subscription to a capability (订阅): requested by the app, approved or rejected by
 * the capability's owner; calls need an approved one. One live subscription per app × capability.
 */
@Entity({ name: 'capability_grant' })
@Index('IDX_capability_grant_app_capability', ['appKey', 'capabilityCode'])
@Index('UQ_capability_grant_live', ['appKey', 'capabilityCode'], { unique: true, where: "status IN ('pending', 'approved')" })
export class CapabilityGrant {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_capability_grant' })
  id!: string;

  /** The app as dispatch names it: an AppKey, or `oauth:<client id>`. */
  @Column({ type: 'varchar', length: 64, name: 'app_key' })
  appKey!: string;

  @Column({ type: 'varchar', length: 64, name: 'capability_code' })
  capabilityCode!: string;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: GrantStatus;

  /** Why the app needs it (shown to the owner). */
  @Column({ type: 'varchar', length: 256 })
  purpose!: string;

  @Column({ type: 'varchar', length: 64, name: 'requested_by' })
  requestedBy!: string;

  @Column({ type: 'varchar', length: 64, name: 'decided_by', nullable: true })
  decidedBy!: string | null;

  @Column({ type: 'varchar', length: 256, name: 'decision_reason', nullable: true })
  decisionReason!: string | null;

  @Column({ type: 'timestamptz', name: 'decided_at', nullable: true })
  decidedAt!: Date | null;

  /** Calls a second allowed (null: only the app's own limit). */
  @Column({ type: 'integer', name: 'rate_per_second', nullable: true })
  ratePerSecond!: number | null;

  /** Calls a day (Beijing time) allowed (null: only the app's own quota). */
  @Column({ type: 'integer', name: 'quota_per_day', nullable: true })
  quotaPerDay!: number | null;

  /** Legal bases the app asked to declare with this capability (registered codes). */
  @Column({ type: 'varchar', length: 64, array: true, name: 'requested_legal_bases', default: () => "'{}'" })
  requestedLegalBases!: string[];

  /** Legal bases the owner approved: the only ones the app may declare in X-Legal-Basis for this capability. */
  @Column({ type: 'varchar', length: 64, array: true, name: 'legal_bases', default: () => "'{}'" })
  legalBases!: string[];

  @CreateDateColumn({ type: 'timestamptz', name: 'requested_at' })
  requestedAt!: Date;
}
