import { IsString, Length } from 'class-validator';

/** Body of PUT /internal/v1/data/tags/:code and of …/dry-run: the tag's name and CEL rule. */
export class TagRuleBody {
  @IsString() @Length(1, 128) name!: string;
  /**
   * A CEL expression over `profile` (`profile.records['<resource>'].<item>`: the subject's own
   * records; `profile.mentions['<resource>']`: records naming the subject) and `now` (ISO time),
   * answering true or false. E.g. `'JS-WJ-CS-0001' in profile.mentions && profile.mentions['JS-WJ-CS-0001'].exists(b, timestamp(b.cssj) > timestamp(now) - duration('8760h'))`.
   */
  @IsString() @Length(1, 2000) rule!: string;
}

export { TAG_CODE_PATTERN as TAG_CODE } from '@gmp/contracts';

/** Why a tag's own rule scans everyone's profiles, as each subject reads it in "who used my data". */
export function tagScanPurpose(code: string): string {
  return `标签 ${code} 规则评估 (tag rule evaluation)`;
}
