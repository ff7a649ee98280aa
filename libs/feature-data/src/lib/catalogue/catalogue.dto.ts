import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

/** A resource code as the catalogue lists it (e.g. `JS-GA-RK-0001`, the national guide's dotted form also accepted). */
export const RESOURCE_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/;
/** An item (数据项) code: the key of the value in a record. */
export const ITEM_CODE = /^[a-z][a-zA-Z0-9_]{0,63}$/;

export const CLASSIFICATIONS = ['base', 'theme', 'department'] as const;
export const BASE_LIBRARIES = ['population', 'legal_person', 'licence', 'credit', 'geography'] as const;
export const FORMATS = ['table', 'file', 'api'] as const;
export const UPDATE_CYCLES = ['realtime', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'irregular'] as const;
export const SHARING_TYPES = ['unconditional', 'conditional', 'none'] as const;
export const OPEN_ATTRIBUTES = ['open', 'conditional', 'not_open'] as const;
export const SUBJECT_TYPES = ['person', 'company', 'other'] as const;
export const ITEM_TYPES = ['string', 'integer', 'number', 'boolean', 'date', 'datetime'] as const;
export const ITEM_GRADES = ['core', 'important', 'general'] as const;
export const PERSONAL_INFO = ['sensitive', 'personal', 'none'] as const;
/** How a value is masked when shared without plain values (脱敏规则; see sharing/masking.ts). */
export const MASK_KINDS = ['idNumber', 'phone', 'name', 'address', 'partial', 'full', 'none'] as const;
export const RULE_TYPES = ['range', 'date', 'citizenId', 'creditCode', 'crossField', 'unique', 'pattern'] as const;
export const COMPARISONS = ['<', '<=', '=', '!=', '>=', '>'] as const;

export type ItemType = (typeof ITEM_TYPES)[number];
export type RuleType = (typeof RULE_TYPES)[number];
export type UpdateCycle = (typeof UPDATE_CYCLES)[number];

/** 数据项: one item of a resource's records. */
export class DataItemBody {
  @Matches(ITEM_CODE) code!: string;
  @IsString() @Length(1, 64) name!: string;
  @IsIn(ITEM_TYPES) type!: ItemType;
  /** 数据元 (data element) code: the key the business platform merges forms on, e.g. `DE00001`. */
  @IsOptional() @IsString() @Matches(/^[A-Z]{2}\d{5}$/) dataElement?: string;
  /** Allowed values (代码集), for string items. */
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(500) @IsString({ each: true }) @Length(1, 64, { each: true }) codeList?: string[];
  /** 分级: 核心 / 重要 / 一般. */
  @IsIn(ITEM_GRADES) grade!: (typeof ITEM_GRADES)[number];
  /** Personal information: sensitive (敏感个人信息), personal, or none. */
  @IsIn(PERSONAL_INFO) personal!: (typeof PERSONAL_INFO)[number];
  @IsOptional() @IsBoolean() required?: boolean;
  @IsOptional() @IsInt() @Min(1) @Max(10_000) maxLength?: number;
  /** Masking when shared without plain values; by default: sensitive → full, personal → ends kept, none → as is. */
  @IsOptional() @IsIn(MASK_KINDS) mask?: (typeof MASK_KINDS)[number];
}

/** A quality rule attached to a resource (质量规则); `required`, type and code list come from the items themselves. */
export class QualityRuleBody {
  @IsIn(RULE_TYPES) type!: RuleType;
  /** The item checked (for crossField: the left-hand item). */
  @Matches(ITEM_CODE) item!: string;
  /** range: bounds of a number; date: bounds of a date (ISO, inclusive). */
  @IsOptional() @IsNumber() min?: number;
  @IsOptional() @IsNumber() max?: number;
  @IsOptional() @IsString() @Matches(/^\d{4}-\d{2}-\d{2}$/) notBefore?: string;
  /** date: not later than the day the record is received. */
  @IsOptional() @IsBoolean() notInFuture?: boolean;
  /** crossField: `item <op> other`. */
  @IsOptional() @IsIn(COMPARISONS) op?: (typeof COMPARISONS)[number];
  @IsOptional() @Matches(ITEM_CODE) other?: string;
  /** pattern: a regular expression the whole value matches. */
  @IsOptional() @IsString() @Length(1, 256) pattern?: string;
  /** What the department reads when the rule fails (Chinese first). */
  @IsOptional() @IsString() @Length(1, 200) message?: string;
}

/** Body of PUT /internal/v1/data/resources/:code — a resource as the national catalogue guide describes it. */
export class ResourceDefinitionBody {
  @IsString() @Length(1, 128) name!: string;
  /** 基础 / 主题 / 部门 resource. */
  @IsIn(CLASSIFICATIONS) classification!: (typeof CLASSIFICATIONS)[number];
  /** The base library (五大基础库) it feeds, if any. */
  @IsOptional() @IsIn(BASE_LIBRARIES) library?: (typeof BASE_LIBRARIES)[number];
  /** 提供方: the department that provides (and alone publishes) its records. */
  @IsString() @Length(1, 64) providerDepartment!: string;
  @IsString() @Length(1, 2000) abstract!: string;
  @IsIn(FORMATS) format!: (typeof FORMATS)[number];
  @IsIn(UPDATE_CYCLES) updateCycle!: UpdateCycle;
  /** 共享类型: 无条件 / 有条件 / 不予共享. */
  @IsIn(SHARING_TYPES) sharingType!: (typeof SHARING_TYPES)[number];
  /** The condition (有条件共享) or the reason (不予共享, with its legal ground). */
  @IsOptional() @IsString() @Length(1, 1000) sharingCondition?: string;
  /** 开放属性. */
  @IsIn(OPEN_ATTRIBUTES) openAttribute!: (typeof OPEN_ATTRIBUTES)[number];
  @IsIn(SUBJECT_TYPES) subjectType!: (typeof SUBJECT_TYPES)[number];
  /** The item whose value identifies a record (the subject's ID number, credit code …). */
  @Matches(ITEM_CODE) keyItem!: string;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(300) @ValidateNested({ each: true }) @Type(() => DataItemBody) items!: DataItemBody[];
  @IsOptional() @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => QualityRuleBody) rules?: QualityRuleBody[];
  /** Why this version (kept with it). */
  @IsOptional() @IsString() @MaxLength(500) changeNote?: string;
}

/** A resource as stored: its definition, version and the record schema generated from its items. */
export interface ResourceView extends Omit<ResourceDefinitionBody, 'changeNote'> {
  code: string;
  version: number;
  status: 'active' | 'retired';
  recordSchema: Record<string, unknown>;
  updatedBy: string;
  updatedAt: string;
}

/** Query of GET /internal/v1/data/resources (browse and search). */
export class CatalogueQuery {
  /** Searched in code, name and abstract. */
  @IsOptional() @IsString() @Length(1, 64) q?: string;
  @IsOptional() @IsString() @Length(1, 64) department?: string;
  @IsOptional() @IsIn(BASE_LIBRARIES) library?: (typeof BASE_LIBRARIES)[number];
  @IsOptional() @IsIn(SHARING_TYPES) sharingType?: (typeof SHARING_TYPES)[number];
}
