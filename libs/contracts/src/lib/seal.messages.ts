import { Type } from 'class-transformer';
import {
  IsBase64,
  IsBoolean,
  IsDefined,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { CallMeta } from './call-meta.message.js';

/** Largest base64 payload (a PDF or a record) the seal capabilities take through dispatch and Kafka (≈ 450 KB of bytes). */
export const SEAL_MAX_BASE64 = 600_000;

/** Capability input: 电子印章数据签章 — a GB/T 38540 signature over data with a seal the caller may use. */
export class SealSignDataInput {
  @IsUUID() sealId!: string;
  /** The bytes to sign, base64 (≤ 64 KB of bytes). */
  @IsBase64() @MaxLength(87_384) data!: string;
  /** What the data is (TBS_Sign.propertyInfo), e.g. `licence-record`. */
  @IsOptional()
  @Matches(/^[\x20-\x7e]{1,128}$/, { message: 'propertyInfo 须为 1–128 个可打印 ASCII 字符 (printable ASCII)' })
  propertyInfo?: string;
}

export class SealSignDataRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => SealSignDataInput) input!: SealSignDataInput;
}

export class SealSignDataReply {
  /** DER of the SES_Signature, base64. */
  @IsString() signature!: string;
  @IsString() esID!: string;
  @IsString() signedAt!: string;
}

/** Capability input: PDF 盖章 — a visible seal and a PAdES signature on a PDF. */
export class SealPdfInput {
  @IsUUID() sealId!: string;
  @IsBase64() @MaxLength(SEAL_MAX_BASE64) pdf!: string;
  /** 0-based page (default: the last), lower-left corner and size in points. */
  @IsOptional() @IsInt() @Min(0) @Max(9999) page?: number;
  @IsOptional() @IsInt() @Min(0) @Max(14400) x?: number;
  @IsOptional() @IsInt() @Min(0) @Max(14400) y?: number;
  @IsOptional() @IsInt() @Min(36) @Max(600) size?: number;
}

export class SealPdfRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => SealPdfInput) input!: SealPdfInput;
}

export class SealPdfReply {
  @IsString() pdf!: string;
  @Matches(/^[0-9a-f]{64}$/) sha256!: string;
  @IsString() signedAt!: string;
}

/** Capability input: 验章 — verify a GB/T 38540 signature, or a sealed PDF (give `pdf`, or `signature` and `data`). */
export class SealVerifyInput {
  @IsOptional() @IsBase64() @MaxLength(SEAL_MAX_BASE64) pdf?: string;
  @IsOptional() @IsBase64() @MaxLength(SEAL_MAX_BASE64) signature?: string;
  @IsOptional() @IsBase64() @MaxLength(87_384) data?: string;
}

export class SealVerifyRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => SealVerifyInput) input!: SealVerifyInput;
}

export class SealVerifyReply {
  @IsBoolean() valid!: boolean;
  /** Why not, when not valid: the first failed check (e.g. DOCUMENT_CHANGED, SEAL_REVOKED, UNKNOWN_SEAL). */
  @IsOptional() @IsString() reason?: string;
  /** Every check by name. */
  @IsObject() checks!: Record<string, boolean>;
  @IsOptional() @IsString() esID?: string;
  @IsOptional() @IsString() @Length(0, 128) sealName?: string;
  @IsOptional() @IsString() organisation?: string;
  @IsOptional() @IsString() signedAt?: string;
}
