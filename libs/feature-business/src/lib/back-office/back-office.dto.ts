import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { PAUSE_REASONS } from '../cases/cases.entities.js';

/** The shape of the back office's ids (parts, rectifications): anything else cannot exist and is answered 404. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class InboxQuery {
  /** `todo` 待办 (default), `mine` 我签收的, `done` 已办. */
  @IsOptional() @IsIn(['todo', 'mine', 'done']) box?: 'todo' | 'mine' | 'done';
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(10_000) offset?: number;
}

export class OutputBody {
  @IsString() @Length(1, 64) code!: string;
  /** The department's reference for it (a licence id, a certificate number …). */
  @IsString() @Length(1, 128) reference!: string;
}

export class MarksBody {
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @Length(1, 200, { each: true }) fields?: string[];
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Length(1, 64, { each: true }) materials?: string[];
}

/** Body of POST /v1/business/back-office/parts/:partId/actions — one workflow step. */
export class ActionBody {
  /** The action's name as the matter's workflow names it (受理, 办结, 不予办理, 退回补正 …). */
  @IsString() @Length(1, 32) action!: string;
  /** Required to refuse or send back: the applicant reads it. */
  @IsOptional() @IsString() @Length(1, 500) reason?: string;
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => OutputBody) outputs?: OutputBody[];
  @IsOptional() @ValidateNested() @Type(() => MarksBody) marks?: MarksBody;
}

/** Body of POST /v1/business/back-office/parts/:partId/commitments/:material — 告知承诺认定. */
export class CommitmentDecisionBody {
  /** `kept` 已履行 (inspection passed, or the failed check explained); `broken` 承诺不实 (revoke, credit record). */
  @IsIn(['kept', 'broken']) decision!: 'kept' | 'broken';
  /** The finding the applicant reads (and the credit record's reason when broken). */
  @IsString() @Length(1, 500) reason!: string;
}

export class CommitmentsQuery {
  /** `open` 待认定 (default: failed checks, and inspections of delivered cases), `all`. */
  @IsOptional() @IsIn(['open', 'all']) box?: 'open' | 'all';
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(10_000) offset?: number;
}

/** Body of POST …/parts/:partId/clock/pause — a special procedure stops the clock (特别程序). */
export class PauseBody {
  @IsIn(PAUSE_REASONS) reason!: (typeof PAUSE_REASONS)[number];
  /** What the procedure is (e.g. the notice's period), for the applicant. */
  @IsString() @Length(2, 200) note!: string;
}

/** Body of POST …/parts/:partId/clock/extend — 延期 with a reason, within the legal limit. */
export class ExtendBody {
  @IsInt() @Min(1) @Max(60) days!: number;
  @IsString() @Length(2, 500) reason!: string;
}

export class RectificationsQuery {
  /** `open` 待整改 / 整改中 / 待审核 (default), `all`. */
  @IsOptional() @IsIn(['open', 'all']) box?: 'open' | 'all';
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(10_000) offset?: number;
}

/** 已整改: what was done. */
export class RectifiedBody {
  @IsString() @Length(2, 500) note!: string;
}

/** 延期 of a rectification (once). */
export class ExtendRectificationBody {
  @IsInt() @Min(1) @Max(10) days!: number;
  @IsString() @Length(2, 500) reason!: string;
}

/** 申请审核: the rating is invalid (无效评价), or the matter cannot be rectified (无法整改). */
export class RectificationRequestBody {
  @IsIn(['invalid', 'unrectifiable']) kind!: 'invalid' | 'unrectifiable';
  @IsString() @Length(2, 500) reason!: string;
}

/** The reviewer's word on a request. */
export class RectificationReviewBody {
  @IsBoolean() approve!: boolean;
  @IsString() @Length(2, 500) note!: string;
  /** At acceptance of a rectification sampled for a return visit (回访): whether the applicant was satisfied — required then. */
  @IsOptional() @IsBoolean() revisitSatisfied?: boolean;
}
