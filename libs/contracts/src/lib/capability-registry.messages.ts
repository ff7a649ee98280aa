import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { CallMeta } from './call-meta.message.js';

/** One capability version as its provider announces it: contract, topic, timeout, JSON Schemas, example. */
export class AnnouncedCapability {
  @Matches(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/) code!: string;
  @Matches(/^\d{1,4}$/) version!: string;
  @IsString() @Length(1, 128) name!: string;
  @IsString() @Length(1, 1024) description!: string;
  @IsString() @Length(1, 128) ownerDepartment!: string;
  @Matches(/^[a-z0-9.-]+\.v\d+$/) topic!: string;
  @IsInt() @Min(100) @Max(600_000) timeoutMs!: number;
  @IsBoolean() idempotent!: boolean;
  @IsObject() inputSchema!: Record<string, unknown>;
  @IsObject() outputSchema!: Record<string, unknown>;
  @IsOptional() @IsObject() example?: Record<string, unknown>;
}

/** Event: a provider (at start-up) announces the capabilities it serves → service-dispatch's registry. */
export class CapabilitiesAnnouncedEvent {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  /** The providing service, e.g. tech-capabilities. */
  @Matches(/^[a-z][a-z0-9-]{1,63}$/) provider!: string;
  @IsArray() @ArrayMaxSize(500) @ValidateNested({ each: true }) @Type(() => AnnouncedCapability) capabilities!: AnnouncedCapability[];
}
