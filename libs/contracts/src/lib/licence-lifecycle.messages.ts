import { Type } from 'class-transformer';
import {
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
  ValidateNested,
} from 'class-validator';
import { CallMeta } from './call-meta.message.js';
import { IsCreditCode, IsHolderId } from './gov-id.validators.js';
import { HOLDER_TYPES, type HolderType, LICENCE_STATUSES, type LicenceStatus } from './licence.messages.js';

/** GB/T 36904 identifier shape (the check character is verified by the provider). */
const LICENCE_ID = /^1\.2\.156\.3005\.2\.[0-9A-Z]{21}\.[0-9A-Z]{18}\.[0-9A-Z]{1,64}\.\d{3}\.[0-9A-Z]$/;

/** Capability input: 电子证照签发 — issue a licence from structured data, signed with the issuing authority's seal. */
export class LicenceIssueInput {
  /** Licence type (GB/T 36904 type code, 21 characters) from the catalogue. */
  @Matches(/^[0-9A-Z]{21}$/) typeCode!: string;
  @IsIn(HOLDER_TYPES) holderType!: HolderType;
  @IsHolderId() holderId!: string;
  @IsString() @Length(1, 128) holderName!: string;
  /** The licence's data items (照面信息), checked against the type's schema. */
  @IsObject() data!: Record<string, unknown>;
  /** The issuing authority's seal; the calling app must be allowed to use it. Its organisation is the issuer. */
  @IsUUID() sealId!: string;
  /** Last day of validity (YYYY-MM-DD); default from the type's validity rule. */
  @IsOptional() @IsISO8601({ strict: true }) validUntil?: string;
  /**
   * The caller's key for this issue (8–128 of A–Z a–z 0–9 . _ : -): the same app sending the same
   * key again is answered the licence issued the first time — a retry never issues a second one.
   */
  @IsOptional() @Matches(/^[A-Za-z0-9._:-]{8,128}$/) issueKey?: string;
}

export class LicenceIssueRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => LicenceIssueInput) input!: LicenceIssueInput;
}

export class LicenceIssueReply {
  @Matches(LICENCE_ID) licenceId!: string;
  @IsString() number!: string;
  @IsISO8601() issueDate!: string;
  @IsOptional() @IsISO8601() validUntil?: string;
  /** GB/T 38540 signature (DER, base64) of the issuing authority's seal over the canonical record. */
  @IsString() signature!: string;
  /** SHA-256 (hex) of the rendered licence PDF, sealed by the issuing authority (fetch it with e-licence.get-pdf). */
  @Matches(/^[0-9a-f]{64}$/) pdfSha256!: string;
}

/** Capability input: by identifier (get, verify). */
export class LicenceIdInput {
  @Matches(LICENCE_ID, { message: 'licenceId 须为 GB/T 36904 证照标识 (a GB/T 36904 licence identifier)' }) licenceId!: string;
}

export class LicenceByIdRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => LicenceIdInput) input!: LicenceIdInput;
}

export class LicenceAnnotation {
  @IsString() text!: string;
  @IsString() by!: string;
  @IsISO8601() at!: string;
}

/** A licence record (GB/T 36902/36903 fields), the holder's id masked. */
export class LicenceRecordReply {
  @IsString() licenceId!: string;
  @IsString() typeCode!: string;
  @IsString() typeName!: string;
  @IsString() number!: string;
  @IsString() holderName!: string;
  @IsIn(HOLDER_TYPES) holderType!: HolderType;
  @IsString() holderIdMasked!: string;
  @IsString() issuerCode!: string;
  @IsString() issuerName!: string;
  @IsISO8601() issueDate!: string;
  @IsOptional() @IsISO8601() validUntil?: string;
  @IsIn(LICENCE_STATUSES) status!: LicenceStatus;
  @IsOptional() @IsObject() data?: Record<string, unknown>;
  @IsArray() @ValidateNested({ each: true }) @Type(() => LicenceAnnotation) annotations!: LicenceAnnotation[];
  @IsOptional() @IsString() signature?: string;
}

/** The licence as a document: a one-page PDF with the issuing authority's visible seal and PAdES signature. */
export class LicencePdfReply {
  @Matches(LICENCE_ID) licenceId!: string;
  /** The PDF, base64; any PDF reader shows the signature, e-seal.verify checks it against the seal registry. */
  @IsString() pdf!: string;
  @Matches(/^[0-9a-f]{64}$/) sha256!: string;
}

export class LicenceVerifyReply {
  @IsBoolean() valid!: boolean;
  @IsIn(LICENCE_STATUSES) status!: LicenceStatus;
  /** Why not, when not valid: REVOKED, EXPIRED, SIGNATURE_INVALID, RECORD_CHANGED, SEAL_REVOKED … */
  @IsOptional() @IsString() reason?: string;
  @IsObject() checks!: Record<string, boolean>;
}

/** Capability input: 注销 or 加注 (revoke, annotate) by the issuing authority. */
export class LicenceChangeInput {
  @Matches(LICENCE_ID) licenceId!: string;
  @IsIn(['revoke', 'annotate']) action!: 'revoke' | 'annotate';
  /** The reason (revoke) or the annotation's text (加注件). */
  @IsString() @Length(1, 512) text!: string;
}

export class LicenceChangeRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => LicenceChangeInput) input!: LicenceChangeInput;
}

export class LicenceChangeReply {
  @IsString() licenceId!: string;
  @IsIn(LICENCE_STATUSES) status!: LicenceStatus;
  @IsInt() annotations!: number;
}

/** Event: a licence was issued, revoked, annotated or expired (tech-capabilities → data-platform licence index). */
export class LicenceChangedEvent {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsIn(['issued', 'revoked', 'annotated', 'expired']) change!: 'issued' | 'revoked' | 'annotated' | 'expired';
  @IsString() licenceId!: string;
  @IsString() typeCode!: string;
  @Matches(/^[0-9a-f]{64}$/) holderKey!: string;
  @IsIn(HOLDER_TYPES) holderType!: HolderType;
  @IsString() issuerCode!: string;
  @IsIn(LICENCE_STATUSES) status!: LicenceStatus;
  @IsOptional() @IsISO8601() validUntil?: string;
  @IsISO8601({ strict: true }) at!: string;
}

/** Capability input: 用证授权 — the signed-in holder lets an app use their licence(s) until a time. */
export class LicenceUseGrantInput {
  /** One licence of the holder, or absent for all of them. */
  @IsOptional() @Matches(LICENCE_ID) licenceId?: string;
  /**
   * A company holder's credit code, when the signed-in person grants as its agent (经办人, with
   * scope `licence:authorise`) for all its licences. Absent: the person's own licences (or the
   * holder of `licenceId`).
   */
  @IsOptional() @IsCreditCode() companyCreditCode?: string;
  /** The app (department system) allowed, as dispatch names it. */
  @Matches(/^[A-Za-z0-9._:-]{1,64}$/) grantee!: string;
  @IsOptional() @IsString() @Length(1, 256) purpose?: string;
  @IsOptional() @Matches(/^[A-Za-z0-9._:-]{1,64}$/) caseId?: string;
  @IsISO8601({ strict: true }) validUntil!: string;
}

export class LicenceUseGrantRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => LicenceUseGrantInput) input!: LicenceUseGrantInput;
}

export class LicenceUseGrantReply {
  @IsUUID() authorisationId!: string;
  @IsISO8601() validUntil!: string;
}

/** Capability input: withdraw a use authorisation (at once). */
export class LicenceUseWithdrawInput {
  @IsUUID() authorisationId!: string;
}

export class LicenceUseWithdrawRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => LicenceUseWithdrawInput) input!: LicenceUseWithdrawInput;
}

export class LicenceUseWithdrawReply {
  @IsUUID() authorisationId!: string;
  @IsBoolean() withdrawn!: boolean;
}
