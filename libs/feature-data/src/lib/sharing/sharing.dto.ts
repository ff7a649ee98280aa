import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { ITEM_CODE } from '../catalogue/catalogue.dto.js';
import type { DataShare } from './sharing.entities.js';

/** Body of POST /internal/v1/data/sharing/applications — a department applies for a resource (共享申请). */
export class ShareApplicationBody {
  @IsString() @Length(1, 64) resourceCode!: string;
  @IsString() @Length(1, 64) applicantDepartment!: string;
  /** The dispatch app (AppKey) that will call data.read / data.exists / data.item with the grant. */
  @IsString() @Matches(/^[A-Za-z0-9._-]{1,64}$/) appKey!: string;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(300) @Matches(ITEM_CODE, { each: true }) items!: string[];
  @IsString() @Length(4, 500) purpose!: string;
  /** The law and article the use rests on (e.g. 《政务数据共享条例》第十三条). */
  @IsString() @Length(4, 500) legalBasis!: string;
  /** How long the grant lasts once approved. */
  @IsInt() @Min(1) @Max(1095) validDays!: number;
  /** Plain (unmasked) values asked for; the owner decides. */
  @IsOptional() @IsBoolean() plainValues?: boolean;
  /** Keep the reads from the subjects' data-use log for this many days (with hideReason); the owner decides, even for an unconditional resource. */
  @ValidateIf((b: ShareApplicationBody) => b.hideReason !== undefined || b.hideReadsDays !== undefined)
  @IsInt()
  @Min(1)
  @Max(730)
  hideReadsDays?: number;
  @ValidateIf((b: ShareApplicationBody) => b.hideReason !== undefined || b.hideReadsDays !== undefined)
  @IsString()
  @Length(4, 256)
  hideReason?: string;
}

/** Body of POST …/applications/:id/decision — the owner department's answer. */
export class ShareDecisionBody {
  /** The deciding department (must be the resource's provider). */
  @IsString() @Length(1, 64) department!: string;
  @IsBoolean() approve!: boolean;
  @IsOptional() @IsString() @Length(2, 1000) reason?: string;
  /** Grant plain values (only when asked for). */
  @IsOptional() @IsBoolean() plainValues?: boolean;
  /** Approve hiding the reads from the subjects (only when asked for); without it, an approval grants the reads visible. */
  @IsOptional() @IsBoolean() hideReads?: boolean;
}

/** Body of POST …/applications/:id/revoke. */
export class ShareRevokeBody {
  @IsString() @Length(1, 64) department!: string;
  @IsString() @Length(2, 1000) reason!: string;
}

export function shareView(s: DataShare) {
  return {
    id: s.id,
    resourceCode: s.resourceCode,
    ownerDepartment: s.ownerDepartment,
    applicantDepartment: s.applicantDepartment,
    appKey: s.appKey,
    items: s.items,
    purpose: s.purpose,
    legalBasis: s.legalBasis,
    validDays: s.validDays,
    plainRequested: s.plainRequested,
    plainValues: s.plainValues,
    hideReadsDays: s.hideReadsDays,
    hideReason: s.hideReason,
    status: s.status,
    dueOn: s.dueOn,
    provisional: s.provisional,
    validUntil: s.validUntil?.toISOString() ?? null,
    requestedBy: s.requestedBy,
    requestedAt: s.requestedAt.toISOString(),
    decidedBy: s.decidedBy,
    decidedAt: s.decidedAt?.toISOString() ?? null,
    decisionReason: s.decisionReason,
  };
}

export class ShareListQuery {
  @IsOptional() @IsString() @Length(1, 64) resource?: string;
  @IsOptional() @IsString() @Length(1, 64) department?: string;
  @IsOptional() @IsString() @Matches(/^(pending|approved|refused|escalated|revoked|expired)$/) status?: string;
}

export class UnusedItemsQuery {
  /** Items not read for this many days (1–3650). */
  @IsString() @Matches(/^[1-9]\d{0,3}$/) days!: string;
}
