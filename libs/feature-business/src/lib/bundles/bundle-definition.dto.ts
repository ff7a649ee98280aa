import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import type { BundleDefinition } from './bundle-definition.js';

export class BundleMatterBody {
  @Matches(/^[0-9A-Z]{18}\d{10}$/) matter!: string;
  @IsOptional() @IsArray() @ArrayMaxSize(50) @Matches(/^[0-9A-Z]{18}\d{10}$/, { each: true }) after?: string[];
}

/** A bundle definition as the catalogue takes it (a versioned YAML document, or JSON). */
export class BundleDefinitionBody implements BundleDefinition {
  @Matches(/^[A-Z][A-Z0-9-]{2,63}$/) code!: string;
  @IsInt() @Min(1) @Max(10_000) version!: number;
  @IsString() @Length(1, 128) name!: string;
  @IsIn(['theme', 'free']) kind!: 'theme' | 'free';
  @IsIn(['person', 'company']) target!: 'person' | 'company';
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) @Length(1, 64, { each: true }) intake?: string[];
  @IsIn(['continue', 'stop-all']) onRejection!: 'continue' | 'stop-all';
  @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => BundleMatterBody) matters!: BundleMatterBody[];
  @IsOptional() @IsString() @Length(1, 1000) description?: string;
}
