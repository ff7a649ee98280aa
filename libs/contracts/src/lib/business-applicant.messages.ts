import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { CallMeta } from './call-meta.message.js';
import { IsCreditCode } from './gov-id.validators.js';
import { IsOptionalOrNull } from './message-validation.util.js';
import { CASE_NO } from './business-cases.messages.js';

/**
 * The applicant's side of a case (我的办件): capabilities called through dispatch with the
 * signed-in person's own token — there is no subject in the input; whose cases they are comes
 * from identity (the keyed hash of the account's ID number), never from what the caller typed.
 */
export class MyCasesInput {
  @IsOptional() @IsInt() @Min(1) @Max(100) limit?: number;
  @IsOptional() @IsInt() @Min(0) @Max(10_000) offset?: number;
  /** A company's cases instead: the signed-in person must be its current agent with the scope `case:manage`. */
  @IsOptional() @IsCreditCode() company?: string;
}

export class MyCaseInput {
  @Matches(CASE_NO, { message: 'caseNo 为一号服务办件编号 (YJS + 14 digits)' }) caseNo!: string;
  /** A company's case: the signed-in person must be its current agent with the scope `case:manage`. */
  @IsOptional() @IsCreditCode() company?: string;
}

export class WithdrawCaseInput extends MyCaseInput {
  /** Why (the departments read it). */
  @IsString() @Length(2, 500) reason!: string;
}

export const APPLICANT_CASE_STATUSES = [
  'in-progress',
  'awaiting-supplements',
  'completed',
  'partly-completed',
  'stopped',
  'withdrawn',
] as const;

export class MyCaseSummary {
  @Matches(CASE_NO) caseNo!: string;
  @IsString() bundleCode!: string;
  @IsString() bundleName!: string;
  @IsIn(APPLICANT_CASE_STATUSES) status!: (typeof APPLICANT_CASE_STATUSES)[number];
  @IsISO8601() submittedAt!: string;
  @IsOptionalOrNull() @IsISO8601() finishedAt!: string | null;
  /** 承诺办结日 of the whole case. */
  @IsString() committedDueOn!: string;
  /** What the applicant must still do (补正 of a part, a 容缺 supplement), at once (一次告知). */
  @IsArray() @IsString({ each: true }) todo!: string[];
}

export class MyCasesReply {
  @IsArray() @ValidateNested({ each: true }) @Type(() => MyCaseSummary) cases!: MyCaseSummary[];
  @IsBoolean() more!: boolean;
}

/** An administrative division (GB/T 2260 code) and its name. */
export class RegionRef {
  @Matches(/^\d{6}$/) code!: string;
  @IsString() name!: string;
}

export class MyCasePart {
  @IsString() matterCode!: string;
  @IsString() matterName!: string;
  @IsString() department!: string;
  /** 办理地: where the department handling this part is. */
  @IsOptionalOrNull() @ValidateNested() @Type(() => RegionRef) handlingRegion!: RegionRef | null;
  @IsString() status!: string;
  @IsOptionalOrNull() @IsString() dueOn!: string | null;
  @IsOptionalOrNull() @IsString() reason!: string | null;
  /** 补正: what the department marked, to correct. */
  @IsOptionalOrNull() @IsObject() marks!: { fields: string[]; materials: string[]; reason: string } | null;
}

export class MyCaseEvent {
  @IsISO8601() at!: string;
  @IsString() kind!: string;
  @IsOptionalOrNull() @IsString() matterCode!: string | null;
  @IsString() message!: string;
}

/** One case as its applicant reads it: status, each department's part, what is still needed, the timeline (一次反馈). */
export class MyCaseReply extends MyCaseSummary {
  /** 收件地: where the application was received (null: a case from before regions were kept). */
  @IsOptionalOrNull() @ValidateNested() @Type(() => RegionRef) acceptRegion!: RegionRef | null;
  /** 送达地: where the result is delivered (the applicant's choice; null as above). */
  @IsOptionalOrNull() @ValidateNested() @Type(() => RegionRef) deliveryRegion!: RegionRef | null;
  /** 跨域办: a part is handled, or the result delivered, in a region neither within nor over the one that received the application. */
  @IsBoolean() crossRegion!: boolean;
  @IsArray() @ValidateNested({ each: true }) @Type(() => MyCasePart) parts!: MyCasePart[];
  @IsArray() @ArrayMaxSize(10_000) @ValidateNested({ each: true }) @Type(() => MyCaseEvent) timeline!: MyCaseEvent[];
}

export class MyCasesRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => MyCasesInput) input!: MyCasesInput;
}

export class MyCaseRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => MyCaseInput) input!: MyCaseInput;
}

export class WithdrawCaseRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => WithdrawCaseInput) input!: WithdrawCaseInput;
}

/** Event: the applicant withdrew the case; this part is stopped (department systems drop it). */
export class CasePartWithdrawnEvent {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsUUID() partId!: string;
  @Matches(CASE_NO) caseNo!: string;
  @IsString() @Length(1, 32) matterCode!: string;
  @IsString() @Length(1, 64) department!: string;
  @IsString() @Length(2, 500) reason!: string;
  @IsISO8601() at!: string;
}

/** 好差评: five levels, 非常满意 (5) … 非常不满意 (1); 1 and 2 are bad ratings (差评) and open a rectification. */
export class RateCaseInput extends MyCaseInput {
  /** A department's part (its matter code), or absent for the whole case. */
  @IsOptional() @Matches(/^[0-9A-Z]{18}\d{10}$/) matterCode?: string;
  @IsInt() @Min(1) @Max(5) score!: number;
  @IsOptional() @IsArray() @ArrayMaxSize(5) @IsString({ each: true }) @Length(1, 32, { each: true }) reasons?: string[];
  @IsOptional() @IsString() @Length(1, 500) comment?: string;
}

export class RateCaseRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => RateCaseInput) input!: RateCaseInput;
}

export class RateCaseReply {
  @IsUUID() ratingId!: string;
  @IsInt() score!: number;
  /** A bad rating's rectification (整改): the department and the working day it is due. */
  @IsOptionalOrNull() @IsObject() rectification!: { department: string; status: string; dueOn: string } | null;
}

/** 免申即享 / 政策直达: the policies offered to the signed-in person because they gained a tag (no subject in the input: whose comes from identity). */
export class MyPoliciesInput {
  @IsOptional() @IsInt() @Min(1) @Max(100) limit?: number;
  /** A company's offers: the signed-in person must be its current agent with the scope `policy:manage`. */
  @IsOptional() @IsCreditCode() company?: string;
}

export class PolicyOffer {
  @IsString() policyCode!: string;
  @IsString() policyName!: string;
  @IsString() benefit!: string;
  /** `offered`, `objected` (the person asked not to be offered it again), `withdrawn` (they lost the tag). */
  @IsIn(['offered', 'objected', 'withdrawn']) status!: 'offered' | 'objected' | 'withdrawn';
  @IsISO8601() offeredAt!: string;
  /** The policy's version the person was offered. */
  @IsInt() @Min(1) policyVersion!: number;
  /** Why they matched, as a person reads it: the eligibility, since when, by which rule version. */
  @IsString() why!: string;
  /** Who is eligible (the policy's words). */
  @IsString() eligibility!: string;
  /** Since when they hold the tag. */
  @IsOptionalOrNull() @IsISO8601() eligibleSince!: string | null;
  /** The tag and the version of its rule that matched them. */
  @IsString() tagCode!: string;
  @IsInt() tagVersion!: number;
  /** The policy's own rule (CEL over the person's data), when it has one: the match can be checked. */
  @IsOptionalOrNull() @IsString() rule!: string | null;
  /** The bundle to apply with, prefilled (一件事), when the policy has one. */
  @IsOptionalOrNull() @IsString() bundleCode!: string | null;
  /** 免申即享 proper: the platform opens the case itself — no application; `caseNo` once it has. */
  @IsBoolean() applyFree!: boolean;
  @IsOptionalOrNull() @Matches(CASE_NO) caseNo!: string | null;
}

export class MyPoliciesReply {
  @IsArray() @ValidateNested({ each: true }) @Type(() => PolicyOffer) offers!: PolicyOffer[];
}

export class ObjectPolicyInput {
  @Matches(/^[A-Z][A-Z0-9-]{2,63}$/) policyCode!: string;
  /** For a company: its current agent with the scope `policy:manage`. */
  @IsOptional() @IsCreditCode() company?: string;
  @IsString() @Length(2, 500) reason!: string;
}

export class MyPoliciesRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => MyPoliciesInput) input!: MyPoliciesInput;
}

export class ObjectPolicyRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => ObjectPolicyInput) input!: ObjectPolicyInput;
}
