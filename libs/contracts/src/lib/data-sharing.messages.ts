import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
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
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { CallMeta } from './call-meta.message.js';
import { IsCreditCode } from './gov-id.validators.js';

/** A data service call names its grant (共享授权) and the subject (ID number, credit code …: the resource's key item). */
export class DataSubjectInput {
  /** The approved sharing application the call rests on; it must belong to the calling app. */
  @IsUUID() grantId!: string;
  @IsString() @Length(1, 64) @Matches(/^[0-9A-Za-z-]+$/) subjectId!: string;
}

export class DataReadInput extends DataSubjectInput {}

/**
 * 核验: names the grant, or — for a platform service that holds one grant per resource — the
 * resource, and the data platform uses the caller's current approved grant on it.
 */
export class DataExistsInput {
  @ValidateIf((o: DataExistsInput) => o.grantId !== undefined || o.resourceCode === undefined) @IsUUID() grantId?: string;
  @ValidateIf((o: DataExistsInput) => o.resourceCode !== undefined || o.grantId === undefined)
  @Matches(/^[A-Z][A-Z0-9-]{2,63}$/)
  resourceCode?: string;
  @IsString() @Length(1, 64) @Matches(/^[0-9A-Za-z-]+$/) subjectId!: string;
  /** Optional equalities on granted items (e.g. the name given in a commitment): the answer is still only yes or no. */
  @IsOptional() @IsObject() match?: Record<string, string | number | boolean>;
}

export class DataItemInput extends DataSubjectInput {
  @IsString() @Matches(/^[a-z][a-zA-Z0-9_]{0,63}$/) item!: string;
}

export class DataReadRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => DataReadInput) input!: DataReadInput;
}

export class DataExistsRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => DataExistsInput) input!: DataExistsInput;
}

export class DataItemRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => DataItemInput) input!: DataItemInput;
}

/** The granted items of the subject's record (masked by grade unless the grant allows plain values). */
export class DataReadReply {
  @IsString() resourceCode!: string;
  @IsObject() items!: Record<string, unknown>;
  /** Whether values were masked (the grant does not allow plain values). */
  @IsBoolean() masked!: boolean;
  /** The record's version and when it changed at its source. */
  @IsInt() version!: number;
  @IsISO8601() updatedAt!: string;
}

export class DataExistsReply {
  @IsBoolean() exists!: boolean;
}

export class DataItemReply {
  @IsString() item!: string;
  /** The value (masked unless the grant allows plain values); null when the record has none. Not named `value`: the Kafka transport would take it for the record's own value. */
  @Allow() itemValue!: unknown;
  @IsBoolean() masked!: boolean;
}

export const SHARING_CHANGES = ['applied', 'approved', 'refused', 'reminded', 'escalated', 'revoked', 'expired'] as const;

/** Event: a sharing application changed (申请, 批准, 拒绝, 提醒, 超期上报, 撤销, 到期) — for notifications and supervision. */
export class DataSharingChangedEvent {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsUUID() applicationId!: string;
  @IsIn(SHARING_CHANGES) change!: (typeof SHARING_CHANGES)[number];
  @IsString() resourceCode!: string;
  @IsString() applicantDepartment!: string;
  @IsString() ownerDepartment!: string;
  /** The day the owner must answer by (conditional resources). */
  @IsOptional() @IsString() dueOn?: string;
  @IsISO8601() at!: string;
}

/** 免填写: which data elements (数据元) of a form the platform fills for the subject, from the caller's grants. */
export class DataPrefillInput {
  @IsString() @Length(1, 64) @Matches(/^[0-9A-Za-z-]+$/) subjectId!: string;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @Matches(/^[A-Z]{2}\d{5}$/, { each: true }) dataElements!: string[];
}

export class DataPrefillRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => DataPrefillInput) input!: DataPrefillInput;
}

/** Where a prefilled value comes from (数据来源). */
export class PrefillProvenance {
  @IsString() resourceCode!: string;
  @IsString() resourceName!: string;
  /** The department that provides the resource. */
  @IsString() department!: string;
  /** When the value changed at its source. */
  @IsISO8601() updatedAt!: string;
  /** Published by the responsible department (government-verified), not typed by an applicant. */
  @IsBoolean() verified!: boolean;
}

export class PrefilledField {
  @IsString() dataElement!: string;
  @Allow() fieldValue!: unknown;
  @IsBoolean() masked!: boolean;
  /** Verified values are not editable by the applicant (a dispute becomes a correction request to the department). */
  @IsBoolean() locked!: boolean;
  /** The subject disputed this element and the correction request is still open (the value stands until the department answers). */
  @IsOptional() @IsBoolean() disputed?: boolean;
  @IsDefined() @ValidateNested() @Type(() => PrefillProvenance) provenance!: PrefillProvenance;
}

export const PREFILL_REFUSALS = ['NO_GRANT', 'NO_RECORD', 'NO_VALUE'] as const;

export class RefusedField {
  @IsString() dataElement!: string;
  /** NO_GRANT: no current grant of the caller covers an item with this data element; NO_RECORD: the subject has no record there; NO_VALUE: the record has no value for it. */
  @IsIn(PREFILL_REFUSALS) reason!: (typeof PREFILL_REFUSALS)[number];
}

export class DataPrefillReply {
  @IsArray() @ValidateNested({ each: true }) @Type(() => PrefilledField) fields!: PrefilledField[];
  @IsArray() @ValidateNested({ each: true }) @Type(() => RefusedField) refused!: RefusedField[];
}

/**
 * 数据纠错: the signed-in applicant disputes a value the platform prefilled (a data element of a
 * resource, as the prefill's provenance names it) — a correction request to the department that
 * provides the resource. No subject in the input: it is the person's own data (or, with
 * `company`, a company's whose current agent they are with the scope `data:correct`).
 */
export class DataDisputeInput {
  @IsString() @Length(1, 64) resourceCode!: string;
  @Matches(/^[A-Z]{2}\d{5}$/) dataElement!: string;
  /** What the applicant says the value should be. */
  @IsString() @Length(1, 500) proposedValue!: string;
  @IsString() @Length(4, 500) reason!: string;
  @IsOptional() @IsCreditCode() company?: string;
}

export class DataDisputeRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => DataDisputeInput) input!: DataDisputeInput;
}

export class DataDisputeReply {
  @IsUUID() id!: string;
  @IsIn(['open', 'accepted', 'rejected']) status!: string;
  @IsString() resourceCode!: string;
  /** The item of the resource that carries the data element. */
  @IsString() item!: string;
  /** The department that must answer. */
  @IsString() ownerDepartment!: string;
  /** The day it must answer by (10 working days). */
  @IsString() dueOn!: string;
  /** The same element disputed again while the first request is open: that request, not a second one. */
  @IsBoolean() existing!: boolean;
}

/** 我的数据使用记录: the signed-in person's own "who used my data" (no subject in the input: it is always the caller's own). */
export class MyDataUsageInput {
  @IsOptional() @IsInt() @Min(1) @Max(500) limit?: number;
  /** A company's log instead of the person's own: the signed-in person must be its current agent with the scope `data:usage`. */
  @IsOptional() @IsCreditCode() company?: string;
}

export class MyDataUsageRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => MyDataUsageInput) input!: MyDataUsageInput;
}

export class DataUsageEntry {
  @IsISO8601() accessedAt!: string;
  /** What was read: a resource code, `e-licence`, `population-base`. */
  @IsString() resource!: string;
  /** The app (business line) that read, and for whom (end user) and why. */
  @IsString() app!: string;
  @IsOptional() @IsString() purpose?: string;
  @IsOptional() @IsString() caseId?: string;
  /** The reading department, when known. */
  @IsOptional() @IsString() department?: string;
  /** Processing type (data-read, data-exists, data-item, data-prefill, licence-lookup …). */
  @IsOptional() @IsString() processing?: string;
  /** Part of bulk processing (a scan over many subjects), not a read about this subject alone. */
  @IsOptional() @IsBoolean() bulk?: boolean;
  /** What the read rested on: a legal basis, or `grant:<id>` (a sharing grant), with its title. */
  @IsOptional() @IsString() legalBasis?: string;
  @IsOptional() @IsString() legalBasisTitle?: string;
  @IsIn(['READ', 'REFUSED']) outcome!: 'READ' | 'REFUSED';
  @IsInt() itemCount!: number;
}

export class MyDataUsageReply {
  @IsArray() @ValidateNested({ each: true }) @Type(() => DataUsageEntry) records!: DataUsageEntry[];
}
