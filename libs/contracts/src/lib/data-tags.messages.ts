import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsISO8601, IsString, Matches, ValidateNested } from 'class-validator';
import { CallMeta } from './call-meta.message.js';

export const TAG_CHANGES = ['gained', 'lost'] as const;

/** Event: a subject gained or lost a tag (TagGained / TagLost) — what the business platform's 免申即享 listens to. */
export class DataTagChangedEvent {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsString() @Matches(/^[a-z][a-z0-9-]{1,63}$/) tagCode!: string;
  /** Keyed hash of the subject's ID number or credit code (subjectKeyOf): no plain identifier on the wire. */
  @Matches(/^[0-9a-f]{64}$/) subjectKey!: string;
  @IsIn(TAG_CHANGES) change!: (typeof TAG_CHANGES)[number];
  /** The rule version that decided it. */
  @IsInt() version!: number;
  @IsISO8601() at!: string;
}
