import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
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

export const ARCHIVE_ENTRY_KINDS = ['application', 'material', 'opinion', 'decision', 'licence', 'log'] as const;

/** One record of a case: a structured record (JSON) or a file of the file store, not both. */
export class ArchiveEntryInput {
  /** application 申请表, material 申请材料, opinion 审查意见, decision 决定, licence 证照, log 办理过程. */
  @IsIn(ARCHIVE_ENTRY_KINDS) kind!: (typeof ARCHIVE_ENTRY_KINDS)[number];
  @IsString() @Length(1, 128) title!: string;
  @IsOptional() @IsObject() record?: Record<string, unknown>;
  @IsOptional() @IsUUID() fileId?: string;
}

/** Capability input: 电子档案归档 — archive a case's records as one hash-chained, sealed package. */
export class ArchiveDepositInput {
  @Matches(/^[A-Za-z0-9._:-]{1,64}$/, { message: 'caseId 须为 1–64 位字母、数字或 . _ : - (case id)' }) caseId!: string;
  @IsString() @Length(1, 128) title!: string;
  /** Years to keep after deposit (保管期限: 10, 30 …); or `permanent`. */
  @IsOptional() @IsInt() @Min(1) @Max(100) retentionYears?: number;
  @IsOptional() @IsBoolean() permanent?: boolean;
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => ArchiveEntryInput)
  entries!: ArchiveEntryInput[];
}

export class ArchiveDepositRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => ArchiveDepositInput) input!: ArchiveDepositInput;
}

export class ArchiveDepositReply {
  @IsUUID() packageId!: string;
  @IsInt() entries!: number;
  /** SM3 chain hash of the last entry (hex); the package's signature covers it. */
  @Matches(/^[0-9a-f]{64}$/) headHash!: string;
  /** End of the retention period (ISO date), absent when permanent. */
  @IsOptional() @IsString() retainUntil?: string;
}

/** Capability input: 电子档案核验 — is this package exactly as deposited? */
export class ArchiveVerifyInput {
  @IsUUID() packageId!: string;
}

export class ArchiveVerifyRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => ArchiveVerifyInput) input!: ArchiveVerifyInput;
}

export class ArchiveProblem {
  /** Entry sequence number (1-based), or 0 for the package itself. */
  @IsInt() seq!: number;
  @IsIn(['CONTENT_CHANGED', 'CHAIN_BROKEN', 'ENTRY_MISSING', 'HEAD_MISMATCH', 'SIGNATURE_INVALID', 'FILE_MISSING']) problem!: string;
}

export class ArchiveVerifyReply {
  @IsBoolean() valid!: boolean;
  @IsInt() entries!: number;
  @IsArray() @ValidateNested({ each: true }) @Type(() => ArchiveProblem) problems!: ArchiveProblem[];
  @IsString() caseId!: string;
  @IsString() depositedAt!: string;
}
