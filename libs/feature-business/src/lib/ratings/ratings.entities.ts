import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** 好差评: one rating of a settled case (`matterCode` '') or of a department's decided part, by its applicant, once. */
@Entity({ name: 'biz_rating' })
@Index('UQ_biz_rating_case_matter', ['caseId', 'matterCode'], { unique: true })
export class BizRating {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_biz_rating' })
  id!: string;

  @Column({ type: 'uuid', name: 'case_id' })
  caseId!: string;

  /** The rated part's matter, or '' for the whole case. */
  @Column({ type: 'varchar', length: 32, name: 'matter_code' })
  matterCode!: string;

  @Column({ type: 'varchar', length: 64 })
  department!: string;

  @Column({ type: 'varchar', length: 64, name: 'bundle_code' })
  bundleCode!: string;

  /** 5 非常满意 … 1 非常不满意. */
  @Column({ type: 'int' })
  score!: number;

  @Column({ type: 'jsonb' })
  reasons!: string[];

  @Column({ type: 'varchar', length: 500, nullable: true })
  comment!: string | null;

  @Column({ type: 'timestamptz', name: 'rated_at' })
  ratedAt!: Date;
}

/**
 * 差评整改: 待整改 `pending` → 整改中 `in-progress` → 已整改 `rectified`, due in working days with
 * one extension; "invalid rating" or "cannot be rectified" is asked (`review`) and a reviewer
 * approves it (`invalid`, `unrectifiable`) or sends it back (`in-progress`).
 */
/** 待整改 → 整改中 → 已整改 → 验收办结 (closed, by a reviewer); or 待审核 (review) → invalid / unrectifiable. */
export type RectificationStatus = 'pending' | 'in-progress' | 'rectified' | 'closed' | 'review' | 'invalid' | 'unrectifiable';

@Entity({ name: 'biz_rectification' })
@Index('IDX_biz_rectification_department', ['department', 'status'])
export class BizRectification {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_biz_rectification' })
  id!: string;

  @Index('UQ_biz_rectification_rating', { unique: true })
  @Column({ type: 'uuid', name: 'rating_id' })
  ratingId!: string;

  @Column({ type: 'uuid', name: 'case_id' })
  caseId!: string;

  @Column({ type: 'varchar', length: 64 })
  department!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: RectificationStatus;

  @Column({ type: 'varchar', length: 10, name: 'due_on' })
  dueOn!: string;

  /** Working days of its one extension (0: not extended). */
  @Column({ type: 'int', name: 'extended_days', default: 0 })
  extendedDays!: number;

  @Column({ type: 'varchar', length: 128, name: 'handled_by', nullable: true })
  handledBy!: string | null;

  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true })
  finishedAt!: Date | null;

  /** What was done (已整改), or why the request is made. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  note!: string | null;

  /** A request for review: `invalid` (无效评价) or `unrectifiable` (无法整改). */
  @Column({ type: 'varchar', length: 16, name: 'request_kind', nullable: true })
  requestKind!: 'invalid' | 'unrectifiable' | null;

  @Column({ type: 'varchar', length: 500, name: 'request_reason', nullable: true })
  requestReason!: string | null;

  /** Who asked for the review (they may not review it; one request per rectification). */
  @Column({ type: 'varchar', length: 128, name: 'requested_by', nullable: true })
  requestedBy!: string | null;

  /** Rectified after its due day. */
  @Column({ type: 'boolean', default: false })
  late!: boolean;

  @Column({ type: 'varchar', length: 128, name: 'reviewed_by', nullable: true })
  reviewedBy!: string | null;

  @Column({ type: 'varchar', length: 500, name: 'review_note', nullable: true })
  reviewNote!: string | null;

  /** Sampled for a return visit (回访) once rectified. */
  @Column({ type: 'boolean', default: false })
  revisit!: boolean;

  /** What the applicant said on the return visit (recorded by the reviewer at acceptance). */
  @Column({ type: 'boolean', name: 'revisit_satisfied', nullable: true })
  revisitSatisfied!: boolean | null;

  /** Who finished the rectification (they may not accept it). */
  @Column({ type: 'varchar', length: 128, name: 'finished_by', nullable: true })
  finishedBy!: string | null;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
