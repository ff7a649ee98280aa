import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDefined, IsIn, IsISO8601, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { CallMeta } from './call-meta.message.js';
import { IsHolderId } from './gov-id.validators.js';

export const HOLDER_TYPES = ['person', 'company'] as const;
export type HolderType = (typeof HOLDER_TYPES)[number];

export const LICENCE_STATUSES = ['valid', 'revoked', 'expired'] as const;
export type LicenceStatus = (typeof LICENCE_STATUSES)[number];

/** Capability input: whose licences (按持证主体查询电子证照). */
export class LicenceByHolderInput {
  /** `person` (citizen ID number) or `company` (unified social credit code). */
  @IsIn(HOLDER_TYPES, { message: 'holderType 必须是 person 或 company (holderType must be person or company)' })
  holderType!: HolderType;

  @IsHolderId()
  holderId!: string;

  /** Optional filter: licence type code (GB/T 36904, 21 characters). */
  @IsOptional()
  @Matches(/^[0-9A-Z]{21}$/, { message: '证照类型代码必须是 21 位 (typeCode must be 21 characters 0-9A-Z)' })
  typeCode?: string;
}

export class LicenceByHolderRequest {
  @IsDefined()
  @ValidateNested()
  @Type(() => CallMeta)
  meta!: CallMeta;

  @IsDefined()
  @ValidateNested()
  @Type(() => LicenceByHolderInput)
  input!: LicenceByHolderInput;
}

export class LicenceSummary {
  /** GB/T 36904 licence identifier. */
  @IsString() licenceId!: string;
  @IsString() typeCode!: string;
  @IsString() typeName!: string;
  /** Number printed on the licence (证照编号). */
  @IsString() number!: string;
  @IsString() holderName!: string;
  @IsString() issuerName!: string;
  @IsISO8601() issueDate!: string;
  @IsOptional() @IsISO8601() validUntil?: string;
  @IsIn(LICENCE_STATUSES) status!: LicenceStatus;
}

export class LicenceByHolderReply {
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => LicenceSummary)
  licences!: LicenceSummary[];
}

/** Event: licence data of a subject was read (for the data platform's data-access audit). */
export class LicenceAccessedEvent {
  @IsDefined()
  @ValidateNested()
  @Type(() => CallMeta)
  meta!: CallMeta;

  /** HMAC of the holder id (see subjectKeyOf): lets the holder find who used the data. */
  @Matches(/^[0-9a-f]{64}$/)
  subjectKey!: string;

  @IsIn(HOLDER_TYPES)
  holderType!: HolderType;

  @IsArray()
  @IsString({ each: true })
  @ArrayMaxSize(1000)
  licenceIds!: string[];

  @IsISO8601({ strict: true })
  accessedAt!: string;

  @IsString()
  @Length(1, 64)
  provider!: string;

  /** READ (default) or REFUSED: a refused attempt (no basis) is reported too, with nothing read. */
  @IsOptional()
  @IsIn(['READ', 'REFUSED'])
  outcome?: 'READ' | 'REFUSED';
}
