import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { CallMeta } from './call-meta.message.js';
import { IsCitizenIdNumber } from './gov-id.validators.js';

/** 人口基础库核验: does the population base library hold this ID number under this name? */
export class PopulationVerifyInput {
  @IsString() @Length(1, 64) name!: string;
  @IsCitizenIdNumber() idNumber!: string;
}

export class PopulationVerifyRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => PopulationVerifyInput) input!: PopulationVerifyInput;
}

export const POPULATION_RESULTS = ['MATCH', 'NAME_MISMATCH', 'NO_RECORD'] as const;
export const POPULATION_STATUSES = ['normal', 'deceased', 'cancelled'] as const;

/** The answer never contains the recorded name: only whether the given one matches (一致/不一致/库中无此号). */
export class PopulationVerifyReply {
  @IsIn(POPULATION_RESULTS) result!: (typeof POPULATION_RESULTS)[number];
  /** Status of the record (户籍状态) when there is one: normal 正常, deceased 死亡, cancelled 注销. */
  @IsOptional() @IsIn(POPULATION_STATUSES) status?: (typeof POPULATION_STATUSES)[number];
}
