import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { PrefillSource } from './prefill.service.js';

export type CaseStatus = 'in-progress' | 'awaiting-supplements' | 'completed' | 'partly-completed' | 'stopped' | 'withdrawn';
export type PartStatus = 'waiting' | 'dispatched' | 'approved' | 'rejected' | 'stopped';

/** What the case holds of one material of the plan (one set of materials). */
export interface CaseMaterial {
  code: string;
  name: string;
  kind: 'key' | 'secondary';
  status: 'uploaded' | 'deferred' | 'committed' | 'produced' | 'licence' | 'shared-data';
  fileId?: string;
  matters: string[];
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** 办件: one application of a bundle, with one case number (一号服务). */
@Entity({ name: 'biz_case' })
@Index('IDX_biz_case_delivery_pending', ['deliveryLeaseUntil'], { where: "delivery_status = 'pending'" })
@Index('UQ_biz_case_idempotency', ['submittedBy', 'idempotencyKey'], { unique: true, where: 'idempotency_key IS NOT NULL' })
export class BizCase {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_biz_case' })
  id!: string;

  @Index('UQ_biz_case_no', { unique: true })
  @Column({ type: 'varchar', length: 20, name: 'case_no' })
  caseNo!: string;

  @Column({ type: 'varchar', length: 64, name: 'bundle_code' })
  bundleCode!: string;

  @Column({ type: 'int', name: 'bundle_version' })
  bundleVersion!: number;

  @Column({ type: 'varchar', length: 24 })
  status!: CaseStatus;

  /** Keyed hash of the applicant's ID number or credit code (the plain one is not stored). */
  @Index('IDX_biz_case_applicant')
  @Column({ type: 'char', length: 64, name: 'applicant_key' })
  applicantKey!: string;

  @Column({ type: 'varchar', length: 32, name: 'applicant_masked' })
  applicantMasked!: string;

  @Column({ type: 'varchar', length: 64, name: 'applicant_name' })
  applicantName!: string;

  /** Who took the application (a comprehensive window, a portal, a bank service point). */
  @Column({ type: 'varchar', length: 128, name: 'submitted_by' })
  submittedBy!: string;

  @Column({ type: 'varchar', length: 128, name: 'idempotency_key', nullable: true })
  idempotencyKey!: string | null;

  /** SHA-256 of the submitted application (the same key with another body is refused). */
  @Column({ type: 'char', length: 64, name: 'request_hash' })
  requestHash!: string;

  /** The merged form's values, by field id (`subject.element` or `subject.matter:key`). */
  @Column({ type: 'jsonb' })
  form!: Record<string, unknown>;

  @Column({ type: 'jsonb' })
  materials!: CaseMaterial[];

  /** The applicant signed the commitment (承诺书) that 容缺 and 告知承诺 need. */
  @Column({ type: 'boolean', name: 'commitment_signed' })
  commitmentSigned!: boolean;

  @Column({ type: 'varchar', length: 10, name: 'committed_due_on' })
  committedDueOn!: string;

  @Column({ type: 'boolean' })
  provisional!: boolean;

  @Column({ type: 'timestamptz', name: 'submitted_at' })
  submittedAt!: Date;

  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true })
  finishedAt!: Date | null;

  /** 免填写: where each prefilled field's value came from, and the prefillable fields the data platform could not fill (with why). */
  @Column({ type: 'jsonb', nullable: true })
  prefill!: { sources: Record<string, PrefillSource>; missed: { field: string; reason: string }[] } | null;

  /** The applicant's ID number or credit code, encrypted (the service's crypto provider; for issuing the outputs to them). */
  @Column({ type: 'bytea', name: 'applicant_id_enc', nullable: true })
  applicantIdEnc!: Buffer | null;

  /** 一窗出件: pending once every part is settled; delivered when the licences are issued, the case archived and the applicant told. */
  @Column({ type: 'varchar', length: 16, name: 'delivery_status', nullable: true })
  deliveryStatus!: DeliveryStatus | null;

  @Column({ type: 'int', name: 'delivery_attempts', default: 0 })
  deliveryAttempts!: number;

  /** A delivering instance holds the case until then (another takes it over after). */
  @Column({ type: 'timestamptz', name: 'delivery_lease_until', nullable: true })
  deliveryLeaseUntil!: Date | null;

  @Column({ type: 'varchar', length: 500, name: 'delivery_error', nullable: true })
  deliveryError!: string | null;

  @Column({ type: 'uuid', name: 'archive_package_id', nullable: true })
  archivePackageId!: string | null;

  @Column({ type: 'timestamptz', name: 'delivered_at', nullable: true })
  deliveredAt!: Date | null;

  /** 收件地 (GB/T 2260): where the application was received (null on cases from before 跨域办). */
  @Column({ type: 'varchar', length: 6, name: 'accept_region', nullable: true })
  acceptRegion!: string | null;

  /** 送达地: where the result is delivered, as the applicant chose. */
  @Column({ type: 'varchar', length: 6, name: 'delivery_region', nullable: true })
  deliveryRegion!: string | null;
}

/** An output the platform issued as an e-licence for a case (once: the key is the licence's issue key too). */
@Entity({ name: 'biz_case_output' })
export class BizCaseOutput {
  @PrimaryColumn({ type: 'uuid', name: 'case_id', primaryKeyConstraintName: 'PK_biz_case_output' })
  caseId!: string;

  @PrimaryColumn({ type: 'varchar', length: 32, name: 'matter_code', primaryKeyConstraintName: 'PK_biz_case_output' })
  matterCode!: string;

  @PrimaryColumn({ type: 'varchar', length: 64, name: 'output_code', primaryKeyConstraintName: 'PK_biz_case_output' })
  outputCode!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ type: 'varchar', length: 21, name: 'licence_type' })
  licenceType!: string;

  @Column({ type: 'varchar', length: 128, name: 'licence_id' })
  licenceId!: string;

  @Column({ type: 'varchar', length: 64 })
  number!: string;

  @Column({ type: 'timestamptz', name: 'issued_at' })
  issuedAt!: Date;
}

/** What a department marked wrong when it sent a part back to the applicant (退回补正). */
export interface PartMarks {
  fields: string[];
  materials: string[];
  reason: string;
}

/** The pause of a part's clock while the applicant corrects what a send-back marked (补正). */
export const SEND_BACK_PAUSE = '补正';
/** Special procedures a department may stop the clock for (特别程序: not counted in the time limit), each with a note. */
export const PAUSE_REASONS = ['公示', '检测', '检验', '鉴定', '专家评审', '听证', '招标', '拍卖'] as const;

/** One department's part of a case: one matter of the bundle. */
@Entity({ name: 'biz_case_part' })
@Index('UQ_biz_case_part_matter', ['caseId', 'matterCode'], { unique: true })
@Index('IDX_biz_case_part_inbox', ['department', 'status'])
export class BizCasePart {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_biz_case_part' })
  id!: string;

  @Column({ type: 'uuid', name: 'case_id' })
  caseId!: string;

  @Column({ type: 'varchar', length: 32, name: 'matter_code' })
  matterCode!: string;

  @Column({ type: 'varchar', length: 128, name: 'matter_name' })
  matterName!: string;

  @Column({ type: 'varchar', length: 64 })
  department!: string;

  /** 办理地 (GB/T 2260): where the handling department is (the matter's region). */
  @Column({ type: 'varchar', length: 6, name: 'handling_region', nullable: true })
  handlingRegion!: string | null;

  @Column({ type: 'int' })
  stage!: number;

  /** The matters of the case this part waits for. */
  @Column({ type: 'jsonb' })
  after!: string[];

  @Column({ type: 'int', name: 'committed_days' })
  committedDays!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: PartStatus;

  @Column({ type: 'varchar', length: 10, name: 'due_on', nullable: true })
  dueOn!: string | null;

  @Column({ type: 'timestamptz', name: 'dispatched_at', nullable: true })
  dispatchedAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'decided_at', nullable: true })
  decidedAt!: Date | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason!: string | null;

  /** When the deadline sweep found it undecided past its due day (超期上报, once). */
  @Column({ type: 'timestamptz', name: 'overdue_at', nullable: true })
  overdueAt!: Date | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  outputs!: { code: string; reference: string }[];

  /** Where the part stands in its matter's workflow (null: the workflow's initial state). */
  @Column({ type: 'varchar', length: 32, name: 'workflow_state', nullable: true })
  workflowState!: string | null;

  /** The staff member who claimed it (`staff:<id>`), until the next transition. */
  @Column({ type: 'varchar', length: 128, nullable: true })
  assignee!: string | null;

  @Column({ type: 'timestamptz', name: 'claimed_at', nullable: true })
  claimedAt!: Date | null;

  /** The working day by which the current workflow step must be taken (its `limitDays`), and the day 80 % of it is used. */
  @Column({ type: 'varchar', length: 10, name: 'state_due_on', nullable: true })
  stateDueOn!: string | null;

  @Column({ type: 'varchar', length: 10, name: 'state_warn_on', nullable: true })
  stateWarnOn!: string | null;

  /** When the sweep warned that the step's limit is 80 % used, and when it acted on its breach (each once per step). */
  @Column({ type: 'timestamptz', name: 'state_warned_at', nullable: true })
  stateWarnedAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'state_breached_at', nullable: true })
  stateBreachedAt!: Date | null;

  /** The fields and materials marked wrong by the last send-back, for the applicant. */
  @Column({ type: 'jsonb', nullable: true })
  marks!: PartMarks | null;

  /**
   * 计时暂停: since when the part's clock stands still, and why — `补正` while the applicant
   * corrects (the part's due day only; the applicant's step keeps its own limit), or a special
   * procedure the department named (公示, 检测 …: the step's clock too). Resuming moves the due
   * days by the working days paused.
   */
  @Column({ type: 'timestamptz', name: 'clock_paused_at', nullable: true })
  clockPausedAt!: Date | null;

  @Column({ type: 'varchar', length: 16, name: 'clock_pause_reason', nullable: true })
  clockPauseReason!: string | null;

  /** Working days the clock stood still, in all. */
  @Column({ type: 'int', name: 'paused_working_days', default: 0 })
  pausedWorkingDays!: number;

  /** Working days the department extended the part's due day by (延期, with a reason; within the legal limit). */
  @Column({ type: 'int', name: 'extended_days', default: 0 })
  extendedDays!: number;
}

/** A material accepted missing (容缺): to be supplied by its due day; the output waits for it. */
@Entity({ name: 'biz_case_supplement' })
export class BizCaseSupplement {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_biz_case_supplement' })
  id!: string;

  @Index('IDX_biz_case_supplement_case')
  @Column({ type: 'uuid', name: 'case_id' })
  caseId!: string;

  @Column({ type: 'varchar', length: 64, name: 'material_code' })
  materialCode!: string;

  @Column({ type: 'varchar', length: 128, name: 'material_name' })
  materialName!: string;

  @Column({ type: 'varchar', length: 10, name: 'due_on' })
  dueOn!: string;

  /** The day the applicant is reminded (两个工作日前), once. */
  @Column({ type: 'varchar', length: 10, name: 'remind_on', nullable: true })
  remindOn!: string | null;

  @Column({ type: 'timestamptz', name: 'reminded_at', nullable: true })
  remindedAt!: Date | null;

  @Column({ type: 'varchar', length: 16 })
  /** `withdrawn`: the applicant withdrew the case before supplying it. */
  status!: 'open' | 'supplied' | 'expired' | 'withdrawn';

  @Column({ type: 'varchar', length: 128, name: 'file_id', nullable: true })
  fileId!: string | null;

  @Column({ type: 'timestamptz', name: 'supplied_at', nullable: true })
  suppliedAt!: Date | null;
}

/** The case's timeline (一次反馈): every step, in order, as the applicant reads it. */
@Entity({ name: 'biz_case_event' })
@Index('IDX_biz_case_event_case', ['caseId', 'seq'])
export class BizCaseEvent {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_biz_case_event' })
  seq!: string;

  @Column({ type: 'uuid', name: 'case_id' })
  caseId!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'varchar', length: 32 })
  kind!: string;

  @Column({ type: 'varchar', length: 32, name: 'matter_code', nullable: true })
  matterCode!: string | null;

  @Column({ type: 'varchar', length: 128 })
  actor!: string;

  @Column({ type: 'varchar', length: 500 })
  message!: string;
}

/**
 * 告知承诺事后核查: one commitment that replaced a material of one matter, to be verified after the
 * case is delivered — by a data check (`data-check`, swept) or by the department's inspection
 * (`inspection`, recorded in the back office). `failed`: a check found it untrue and a revocation
 * is open for the department; `unverifiable`: the data platform refused the check (no usable
 * grant, an item not granted …) — the department inspects instead; `revoked`: the department found the commitment broken — the
 * matter's licences are revoked (`revocationDoneAt` once done) and a broken-commitment record is
 * written to the credit library; `upheld`: the department found it kept after all.
 */
export type CommitmentStatus = 'pending' | 'passed' | 'failed' | 'unverifiable' | 'upheld' | 'revoked';

@Entity({ name: 'biz_case_commitment' })
@Index('UQ_biz_case_commitment', ['caseId', 'matterCode', 'materialCode'], { unique: true })
@Index('IDX_biz_case_commitment_open', ['status', 'nextTryAt'], { where: "status IN ('pending', 'revoked')" })
export class BizCaseCommitment {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_biz_case_commitment' })
  id!: string;

  @Column({ type: 'uuid', name: 'case_id' })
  caseId!: string;

  @Column({ type: 'varchar', length: 32, name: 'matter_code' })
  matterCode!: string;

  /** The matter's department: it decides on inspections and revocations. */
  @Column({ type: 'varchar', length: 64 })
  department!: string;

  @Column({ type: 'varchar', length: 64, name: 'material_code' })
  materialCode!: string;

  @Column({ type: 'varchar', length: 128, name: 'material_name' })
  materialName!: string;

  @Column({ type: 'varchar', length: 16 })
  method!: 'data-check' | 'inspection';

  /** The data check (resource, equalities), for `data-check`. */
  @Column({ type: 'jsonb', name: 'check_spec', nullable: true })
  checkSpec!: {
    resource: string;
    equals?: Record<string, string | number | boolean>;
    /** Items that must equal the application's values: item → the case form's field id. */
    fromForm?: Record<string, string>;
  } | null;

  /** Natural days after delivery when the data check runs. */
  @Column({ type: 'int', name: 'after_days', default: 0 })
  afterDays!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: CommitmentStatus;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  /** A checking instance holds the row until then; after a failed attempt, the next try. */
  @Column({ type: 'timestamptz', name: 'next_try_at', nullable: true })
  nextTryAt!: Date | null;

  @Column({ type: 'varchar', length: 500, name: 'last_error', nullable: true })
  lastError!: string | null;

  @Column({ type: 'timestamptz', name: 'checked_at', nullable: true })
  checkedAt!: Date | null;

  @Column({ type: 'varchar', length: 128, name: 'decided_by', nullable: true })
  decidedBy!: string | null;

  @Column({ type: 'timestamptz', name: 'decided_at', nullable: true })
  decidedAt!: Date | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason!: string | null;

  /** When the matter's licences were revoked after a `revoked` decision. */
  @Column({ type: 'timestamptz', name: 'revocation_done_at', nullable: true })
  revocationDoneAt!: Date | null;
}
