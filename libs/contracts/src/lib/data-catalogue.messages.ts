import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsIn, IsOptional, IsString, Matches, ValidateNested } from 'class-validator';
import { CallMeta } from './call-meta.message.js';

/** Which data elements (数据元) a form uses: the data platform says where it keeps each. */
export class DataElementsInput {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(500) @Matches(/^[A-Z]{2}\d{5}$/, { each: true }) dataElements!: string[];
}

export class DataElementsRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => DataElementsInput) input!: DataElementsInput;
}

/** One catalogued item carrying the element, in an active resource that is shared (无条件 or 有条件). */
export class DataElementResource {
  @IsString() resourceCode!: string;
  @IsString() resourceName!: string;
  @IsString() department!: string;
  @IsString() item!: string;
  @IsIn(['unconditional', 'conditional']) sharingType!: 'unconditional' | 'conditional';
}

export class DataElementSource {
  @IsString() dataElement!: string;
  /** The catalogue's item type where every resource agrees (string, number, integer, boolean, date, datetime), else absent. */
  @IsOptional() @IsString() type?: string;
  @IsArray() @ValidateNested({ each: true }) @Type(() => DataElementResource) resources!: DataElementResource[];
}

export class DataElementsReply {
  /** Only the elements some shared resource carries; the others are absent (a form must ask for them). */
  @IsArray() @ValidateNested({ each: true }) @Type(() => DataElementSource) elements!: DataElementSource[];
}
