import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * 免申即享 / 政策直达: a policy offered to whoever gains a tag of the data platform. Its eligibility
 * is its own rule in CEL (published on the data platform as the tag `policyTagOf(code)`, where
 * the profiles are) or an existing tag. The current version; every version in biz_policy_version.
 */
@Entity({ name: 'biz_policy' })
export class BizPolicy {
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_biz_policy' })
  code!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  /** What the person gets (e.g. 育儿补贴 每月 500 元). */
  @Column({ type: 'varchar', length: 500 })
  benefit!: string;

  /** The data platform's tag that makes a subject eligible. */
  @Index('IDX_biz_policy_tag')
  @Column({ type: 'varchar', length: 64, name: 'tag_code' })
  tagCode!: string;

  /** The bundle to apply with (prefilled), if any. */
  @Column({ type: 'varchar', length: 64, name: 'bundle_code', nullable: true })
  bundleCode!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: 'active' | 'retired';

  /** 免申即享 proper: the platform opens the bundle's case itself for each eligible subject (no application). */
  @Column({ type: 'boolean', name: 'apply_free', default: false })
  applyFree!: boolean;

  @Column({ type: 'int', default: 1 })
  version!: number;

  /** Who is eligible, as a person reads it (e.g. 三周岁以下婴幼儿的父母). */
  @Column({ type: 'varchar', length: 500, default: '' })
  eligibility!: string;

  /** The policy's own CEL rule (null when it names an existing tag). */
  @Column({ type: 'varchar', length: 2000, nullable: true })
  rule!: string | null;

  /** The tag's rule version this policy version was published with (null for an existing tag taken as it is). */
  @Column({ type: 'int', name: 'tag_version', nullable: true })
  tagVersion!: number | null;

  @Column({ type: 'varchar', length: 128, name: 'updated_by', default: 'demo-seed' })
  updatedBy!: string;

  @Column({ type: 'timestamptz', name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}

/** Every published version of every policy (what a person was offered can be read back as it was). */
@Entity({ name: 'biz_policy_version' })
export class BizPolicyVersion {
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_biz_policy_version' })
  code!: string;

  @PrimaryColumn({ type: 'int', primaryKeyConstraintName: 'PK_biz_policy_version' })
  version!: number;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ type: 'varchar', length: 500 })
  benefit!: string;

  @Column({ type: 'varchar', length: 500 })
  eligibility!: string;

  @Column({ type: 'varchar', length: 64, name: 'tag_code' })
  tagCode!: string;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  rule!: string | null;

  @Column({ type: 'int', name: 'tag_version', nullable: true })
  tagVersion!: number | null;

  @Column({ type: 'varchar', length: 64, name: 'bundle_code', nullable: true })
  bundleCode!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: 'active' | 'retired';

  @Column({ type: 'boolean', name: 'apply_free', default: false })
  applyFree!: boolean;

  @Column({ type: 'varchar', length: 128, name: 'published_by' })
  publishedBy!: string;

  @Column({ type: 'timestamptz', name: 'published_at' })
  publishedAt!: Date;
}

/** One policy offered to one subject (by the keyed hash of their ID number): once; an objection is kept for good. */
@Entity({ name: 'biz_policy_offer' })
@Index('IDX_biz_policy_offer_unpushed', ['offeredAt'], { where: "status = 'offered' AND notified_at IS NULL" })
@Index('IDX_biz_policy_offer_caseless', ['offeredAt'], { where: "status = 'offered' AND case_no IS NULL" })
@Index('UQ_biz_policy_offer', ['policyCode', 'subjectKey'], { unique: true })
@Index('IDX_biz_policy_offer_subject', ['subjectKey'])
export class BizPolicyOffer {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_biz_policy_offer' })
  id!: string;

  @Column({ type: 'varchar', length: 64, name: 'policy_code' })
  policyCode!: string;

  @Column({ type: 'char', length: 64, name: 'subject_key' })
  subjectKey!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: 'offered' | 'objected' | 'withdrawn';

  @Column({ type: 'varchar', length: 64, name: 'tag_code' })
  tagCode!: string;

  @Column({ type: 'int', name: 'tag_version' })
  tagVersion!: number;

  /** The policy's version when it was (last) offered. */
  @Column({ type: 'int', name: 'policy_version', default: 1 })
  policyVersion!: number;

  /** Since when the subject holds the tag (what made them eligible). */
  @Column({ type: 'timestamptz', name: 'eligible_since', nullable: true })
  eligibleSince!: Date | null;

  @Column({ type: 'timestamptz', name: 'offered_at' })
  offeredAt!: Date;

  @Column({ type: 'timestamptz', name: 'changed_at' })
  changedAt!: Date;

  @Column({ type: 'varchar', length: 500, name: 'objection', nullable: true })
  objection!: string | null;

  /** 政策直达: when the person was told in their inbox (once per offer). */
  @Column({ type: 'timestamptz', name: 'notified_at', nullable: true })
  notifiedAt!: Date | null;

  /** Follow-ups (push, apply-free case) that failed, and when the next may be tried (backoff). */
  @Column({ type: 'int', name: 'follow_up_attempts', default: 0 })
  followUpAttempts!: number;

  @Column({ type: 'timestamptz', name: 'follow_up_after', nullable: true })
  followUpAfter!: Date | null;

  /** 免申即享: the case the platform opened for the subject (once). */
  @Column({ type: 'varchar', length: 20, name: 'case_no', nullable: true })
  caseNo!: string | null;
}

/**
 * The data platform's tag memberships as the business platform has heard them (TagGained /
 * TagLost, by subject key): a policy published after a subject gained its tag is offered to them
 * too, whatever the order the event and the policy arrived in.
 */
@Entity({ name: 'biz_tag_member' })
export class BizTagMember {
  @PrimaryColumn({ type: 'varchar', length: 64, name: 'tag_code', primaryKeyConstraintName: 'PK_biz_tag_member' })
  tagCode!: string;

  @PrimaryColumn({ type: 'char', length: 64, name: 'subject_key', primaryKeyConstraintName: 'PK_biz_tag_member' })
  subjectKey!: string;

  @Column({ type: 'int', name: 'tag_version' })
  tagVersion!: number;

  @Column({ type: 'timestamptz' })
  since!: Date;
}
