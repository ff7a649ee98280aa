import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  FIELD_TYPES,
  type FieldType,
  MATTER_LEVELS,
  MATTER_TYPES,
  type MatterDefinition,
  type MatterLevel,
  type MatterType,
} from './matter-definition.js';

const CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export class FieldBody {
  @Matches(/^[a-z][a-z0-9_]{0,31}$/) key!: string;
  @IsString() @Length(1, 64) name!: string;
  @IsOptional() @Matches(/^[A-Z]{2}\d{5}$/) element?: string;
  @IsOptional() @Matches(/^[a-z][a-z0-9-]{0,31}$/) subject?: string;
  @IsOptional() @IsIn(FIELD_TYPES) type?: FieldType;
  @IsOptional() @IsBoolean() required?: boolean;
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(200) @IsString({ each: true }) @Length(1, 64, { each: true }) codeList?: string[];
}

export class MaterialProofBody {
  @IsOptional() @Matches(/^[0-9A-Z]{18}\d{3}$/) licenceType?: string;
  @IsOptional() @Matches(/^[A-Z0-9][A-Z0-9-]{2,127}$/) resource?: string;
  @IsOptional() @Matches(CODE) matterOutput?: string;
}

export class CommitmentCheckBody {
  @Matches(/^[A-Z][A-Z0-9-]{2,63}$/) resource!: string;
  @IsOptional() @IsObject() equals?: Record<string, string | number | boolean>;
  @IsOptional() @IsObject() fields?: Record<string, string>;
  @IsOptional() @IsInt() @Min(0) @Max(365) afterDays?: number;
}

export class MaterialBody {
  @Matches(CODE) code!: string;
  @IsString() @Length(1, 128) name!: string;
  @IsIn(['key', 'secondary']) kind!: 'key' | 'secondary';
  @IsOptional() @ValidateNested() @Type(() => MaterialProofBody) provenBy?: MaterialProofBody;
  @IsOptional() @IsBoolean() upload?: boolean;
  @IsOptional() @IsBoolean() deferrable?: boolean;
  @IsOptional() @IsBoolean() commitment?: boolean;
  @IsOptional() @ValidateNested() @Type(() => CommitmentCheckBody) verify?: CommitmentCheckBody;
}

export class OutputBody {
  @Matches(CODE) code!: string;
  @IsString() @Length(1, 128) name!: string;
  @IsOptional() @Matches(/^[0-9A-Z]{18}\d{3}$/) licenceType?: string;
  @IsOptional() @IsUUID() seal?: string;
  @IsOptional() @IsObject() data?: Record<string, string>;
}

export class WorkflowStateBody {
  @IsString() @Length(1, 32) name!: string;
  @IsOptional() @IsInt() @Min(1) @Max(365) limitDays?: number;
  @IsOptional() @IsIn(['escalate', 'deem-approved']) onBreach?: 'escalate' | 'deem-approved';
  @IsOptional() @IsBoolean() final?: boolean;
  @IsOptional() @IsIn(['approved', 'rejected']) outcome?: 'approved' | 'rejected';
}

export class WorkflowActionBody {
  @IsString() @Length(1, 32) name!: string;
  @IsString() @Length(1, 32) from!: string;
  @IsString() @Length(1, 32) to!: string;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10) @Matches(/^[a-z][a-z0-9-]{0,31}$/, { each: true }) roles!: string[];
}

export class WorkflowBody {
  @IsString() @Length(1, 32) initial!: string;
  @IsArray() @ArrayMinSize(2) @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => WorkflowStateBody) states!: WorkflowStateBody[];
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => WorkflowActionBody)
  actions!: WorkflowActionBody[];
}

/** A matter definition as the catalogue takes it (PUT /internal/v1/business/matters/:code, or the demo YAML). */
export class MatterDefinitionBody implements MatterDefinition {
  @Matches(/^[0-9A-Z]{18}\d{10}$/) code!: string;
  @Matches(/^\d{9}$/) baseCode!: string;
  @IsString() @Length(1, 128) name!: string;
  @IsIn(MATTER_TYPES) type!: MatterType;
  @IsString() @Length(1, 64) department!: string;
  @IsIn(MATTER_LEVELS) level!: MatterLevel;
  @Matches(/^\d{6}$/) region!: string;
  @IsIn(['person', 'company']) target!: 'person' | 'company';
  @IsString() @Length(1, 500) legalBasis!: string;
  @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) @Length(1, 500, { each: true }) acceptanceConditions!: string[];
  @IsInt() @Min(0) @Max(365) legalLimitDays!: number;
  @IsInt() @Min(0) @Max(365) committedLimitDays!: number;
  @IsInt() @Min(0) @Max(10) visits!: number;
  @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => FieldBody) fields!: FieldBody[];
  @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => MaterialBody) materials!: MaterialBody[];
  @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => OutputBody) outputs!: OutputBody[];
  @ValidateNested() @Type(() => WorkflowBody) workflow!: WorkflowBody;
}
