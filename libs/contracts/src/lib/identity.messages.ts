import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  IsUUID,
  Matches,
  ValidateNested,
} from 'class-validator';
import { CallMeta } from './call-meta.message.js';
import { IsCitizenIdNumber, IsCreditCode } from './gov-id.validators.js';

/** Capability input: 实名核验 — does the name match the ID number? */
export class VerifyRealNameInput {
  @IsString()
  @Length(1, 64)
  name!: string;

  @IsCitizenIdNumber()
  idNumber!: string;
}

export class VerifyRealNameRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => VerifyRealNameInput) input!: VerifyRealNameInput;
}

export class VerifyRealNameReply {
  @IsBoolean() match!: boolean;
  /** Where the answer comes from: the data platform's population base library (人口基础库). */
  @IsIn(['population-base']) source!: 'population-base';
  /** Why not, when not a match: NO_RECORD 库中无此号, NAME_MISMATCH 姓名不一致, NOT_ALIVE_OR_CANCELLED 死亡或注销. */
  @IsOptional() @IsIn(['NO_RECORD', 'NAME_MISMATCH', 'NOT_ALIVE_OR_CANCELLED']) reason?:
    'NO_RECORD' | 'NAME_MISMATCH' | 'NOT_ALIVE_OR_CANCELLED';
  /** Level of assurance of the matching account (when one matches). */
  @IsOptional() @IsIn([2, 3, 4, 5]) assuranceLevel?: number;
}

/** Capability input: 经办人授权核验 — may this person act for this company in this scope? */
export class CheckAgentInput {
  @IsCitizenIdNumber()
  agentIdNumber!: string;

  @IsCreditCode()
  companyCreditCode!: string;

  /** The act, e.g. `licence:read`, `case:submit`. */
  @Matches(/^[a-z][a-z0-9-]*:[a-z][a-z0-9-]*$/, { message: 'scope 格式为 资源:动作 (scope must look like resource:action)' })
  scope!: string;
}

export class CheckAgentRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => CheckAgentInput) input!: CheckAgentInput;
}

export const AGENT_REFUSALS = ['NO_AUTHORISATION', 'OUT_OF_SCOPE', 'EXPIRED', 'REVOKED', 'UNKNOWN_COMPANY'] as const;

export class CheckAgentReply {
  @IsBoolean() authorised!: boolean;
  /** Why not, when not authorised. */
  @IsOptional() @IsIn(AGENT_REFUSALS) reason?: (typeof AGENT_REFUSALS)[number];
  /** Chinese with English beside it. */
  @IsString() message!: string;
  @IsOptional() @IsISO8601() validUntil?: string;
}

/** Capability input: introspect an access token of the platform. */
export class IntrospectTokenInput {
  @IsString()
  @Length(10, 8192)
  token!: string;
}

export class IntrospectTokenRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => IntrospectTokenInput) input!: IntrospectTokenInput;
}

export class IntrospectTokenReply {
  @IsBoolean() active!: boolean;
  /** Why not active (e.g. TOKEN_EXPIRED, TOKEN_BAD_SIGNATURE). */
  @IsOptional() @IsString() reason?: string;
  @IsOptional() @IsString() clientId?: string;
  @IsOptional() @IsString() subject?: string;
  @IsOptional() @IsArray() @IsString({ each: true }) scopes?: string[];
  @IsOptional() @IsInt() assuranceLevel?: number;
  @IsOptional() @IsInt() expiresAt?: number;
}

/** Capability input: a legal person and its agents. */
export class ResolveLegalPersonInput {
  @IsCreditCode()
  creditCode!: string;
}

export class ResolveLegalPersonRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => ResolveLegalPersonInput) input!: ResolveLegalPersonInput;
}

export class AgentSummary {
  /** Masked ID number of the agent. */
  @IsString() agentIdMasked!: string;
  @IsString() agentName!: string;
  @IsArray() @IsString({ each: true }) scopes!: string[];
  @IsISO8601() validUntil!: string;
}

export class ResolveLegalPersonReply {
  @IsBoolean() registered!: boolean;
  @IsOptional() @IsString() name?: string;
  @IsArray() @ArrayMaxSize(500) @ValidateNested({ each: true }) @Type(() => AgentSummary) agents!: AgentSummary[];
}

/** A company an account acts for, as its agent with this scope. */
export class OnBehalfOf {
  @IsCreditCode() creditCode!: string;
  @IsString() @Matches(/^[a-z]+:[a-z-]+$/) scope!: string;
}

/** Platform-internal: the keyed hash of a signed-in account's ID number, so a service finds that person's records (not a dispatch capability). */
export class SubjectOfAccountInput {
  @IsUUID() accountId!: string;
  /** The company's key instead, if the account is its current agent with this scope (e.g. `data:usage`). */
  @IsOptional() @ValidateNested() @Type(() => OnBehalfOf) onBehalfOf?: OnBehalfOf;
}

export class SubjectOfAccountRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => SubjectOfAccountInput) input!: SubjectOfAccountInput;
}

export class SubjectOfAccountReply {
  /** subjectKeyOf(the account's ID number); null for an unknown or disabled account. */
  @IsOptional() @Matches(/^[0-9a-f]{64}$/) subjectKey?: string;
}

/** Platform-internal: where named departments sit in the staff directory's tree (the business platform maps matters' departments to data scopes). */
export class DepartmentsByNameInput {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(500) @IsString({ each: true }) @Length(1, 128, { each: true }) names!: string[];
}

export class DepartmentsByNameRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => DepartmentsByNameInput) input!: DepartmentsByNameInput;
}

export class DirectoryDepartment {
  @IsUUID() id!: string;
  @IsString() @Length(1, 128) name!: string;
  /** Materialised path of ids, `/<root>/…/<this>/` — what staff tokens' `dept_path` and data scopes compare. */
  @Matches(/^\/(?:[0-9a-f-]{36}\/)+$/) path!: string;
}

export class DepartmentsByNameReply {
  /** Every department of each name asked (a name held twice answers both: the caller decides). */
  @IsArray() @ArrayMaxSize(5000) @ValidateNested({ each: true }) @Type(() => DirectoryDepartment) departments!: DirectoryDepartment[];
}
