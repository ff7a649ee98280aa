import { Matches, MaxLength, IsISO8601, IsObject, IsString, IsUUID, Length } from 'class-validator';

/**
 * Event: a department publishes one record of a catalogued resource (数据归集), keyed by subject.
 * The data platform checks it against the resource's schema and quality rules: good records are
 * upserted with history, failing ones quarantined with every reason (never dropped).
 */
export class DataRecordPublishedEvent {
  /** Unique per record sent (a redelivery with the same id is applied once). */
  @IsUUID() eventId!: string;
  /** The catalogue's resource code. */
  @IsString() @Length(1, 128) resourceCode!: string;
  /** The publishing department's code (must be the resource's provider). */
  @IsString() @Length(1, 64) department!: string;
  /** When the record changed at the source: orders versions (an older one arriving later changes nothing). */
  @IsISO8601({ strict: true, strictSeparator: true }) @MaxLength(40) @Matches(/(Z|[+-]\d{2}:\d{2})$/) updatedAt!: string;
  /** The record: item code → value, as the catalogue lists the items. */
  @IsObject() record!: Record<string, unknown>;
}
