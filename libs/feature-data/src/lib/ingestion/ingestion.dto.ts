import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  Matches,
  MaxLength,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  ValidateNested,
} from 'class-validator';

export class BatchRecordBody {
  @IsISO8601({ strict: true, strictSeparator: true }) @MaxLength(40) @Matches(/(Z|[+-]\d{2}:\d{2})$/) updatedAt!: string;
  @IsObject() record!: Record<string, unknown>;
}

/** Body of POST /internal/v1/data/resources/:code/records — a department's backfill (补录), up to 1,000 records. */
export class RecordBatchBody {
  @IsString() @Length(1, 64) department!: string;
  /** `national`: a batch flowing back from a national system (数据回流), checked the same way and marked with that origin. */
  @IsOptional() @IsIn(['department', 'national']) from?: 'department' | 'national';
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(1000) @ValidateNested({ each: true }) @Type(() => BatchRecordBody) records!: BatchRecordBody[];
}

/** Body of PUT /internal/v1/data/quarantine/:id — the corrected record. */
export class CorrectedRecordBody {
  @IsObject() record!: Record<string, unknown>;
  @IsOptional() @IsISO8601({ strict: true, strictSeparator: true }) @MaxLength(40) @Matches(/(Z|[+-]\d{2}:\d{2})$/) updatedAt?: string;
}

export class DiscardBody {
  @IsString() @Length(2, 500) reason!: string;
}

export const QUARANTINE_STATUSES = ['open', 'accepted', 'discarded'] as const;

export class QuarantineQuery {
  @IsOptional() @IsString() @Length(1, 128) resource?: string;
  @IsOptional() @IsString() @Length(1, 64) department?: string;
  @IsOptional() @IsIn(QUARANTINE_STATUSES) status?: (typeof QUARANTINE_STATUSES)[number];
}

/** Query of POST /internal/v1/data/resources/:code/bulk-loads — who sends the NDJSON body. */
export class BulkLoadQuery {
  @IsString() @Length(1, 64) department!: string;
  /** `national`: records flowing back from a national system (数据回流). */
  @IsOptional() @IsIn(['department', 'national']) from?: 'department' | 'national';
}
