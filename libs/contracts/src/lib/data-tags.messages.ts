import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsInt, IsISO8601, IsString, Length, Matches, Min, ValidateNested } from 'class-validator';
import { CallMeta } from './call-meta.message.js';

export const TAG_CHANGES = ['gained', 'lost'] as const;

/** A tag's code: lower-case letters, digits and hyphens. */
export const TAG_CODE_PATTERN = /^[a-z][a-z0-9-]{1,63}$/;

/**
 * Tags holding the business platform's policies' own rules: published only through
 * data.tag.publish.v1 (which publishes nothing else), never through the data platform's own API.
 */
export const POLICY_TAG_PREFIX = 'policy-';

/** Event: a subject gained or lost a tag (TagGained / TagLost) — what the business platform's 免申即享 listens to. */
export class DataTagChangedEvent {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsString() @Matches(TAG_CODE_PATTERN) tagCode!: string;
  /** Keyed hash of the subject's ID number or credit code (subjectKeyOf): no plain identifier on the wire. */
  @Matches(/^[0-9a-f]{64}$/) subjectKey!: string;
  @IsIn(TAG_CHANGES) change!: (typeof TAG_CHANGES)[number];
  /** The rule version that decided it. */
  @IsInt() version!: number;
  @IsISO8601() at!: string;
}

/** Platform-internal: a policy's rule (CEL over profiles), to dry-run or publish on the data platform as its tag (`policy-…`). */
export class TagRuleInput {
  @IsString() @Matches(TAG_CODE_PATTERN) tagCode!: string;
  @IsString() @Length(1, 128) name!: string;
  @IsString() @Length(1, 2000) rule!: string;
  /** Why the profiles are scanned, shown in "who used my data" with each subject's bulk record (e.g. 政策 JS-ZC-YEBT 资格筛查). */
  @IsString() @Length(2, 256) purpose!: string;
}

export class TagRuleRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => TagRuleInput) input!: TagRuleInput;
}

/** What a rule would do, run over every known subject without changing anything. */
export class DryRunTagReply {
  @IsInt() @Min(0) scanned!: number;
  @IsInt() @Min(0) matches!: number;
  /** Profiles the rule failed on (a missing field): counted as no. */
  @IsInt() @Min(0) errors!: number;
  /** Against the tag's current version (0 for a new tag): subjects the rule would add and remove. */
  @IsInt() @Min(0) currentVersion!: number;
  @IsInt() @Min(0) added!: number;
  @IsInt() @Min(0) removed!: number;
}

/** A rule published as the tag's new version (the same rule again changes nothing) and its members brought in line. */
export class PublishTagReply {
  @IsString() tagCode!: string;
  @IsString() name!: string;
  @IsString() rule!: string;
  @IsInt() @Min(1) version!: number;
  @IsBoolean() changed!: boolean;
  @IsInt() @Min(0) added!: number;
  @IsInt() @Min(0) removed!: number;
}
