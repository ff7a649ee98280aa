import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { CallMeta } from './call-meta.message.js';

/** 一号服务: the one case number of an application, e.g. YJS20261205000001. */
export const CASE_NO = /^YJS\d{14}$/;

export class DispatchedMaterial {
  @IsString() @Length(1, 64) code!: string;
  @IsString() @Length(1, 128) name!: string;
  /** `uploaded` (fileId given), `deferred` (容缺: to be supplied by the applicant), `committed` (告知承诺), or how it is proven: `produced`, `licence`, `shared-data`. */
  @IsIn(['uploaded', 'deferred', 'committed', 'produced', 'licence', 'shared-data']) status!: string;
  @IsOptional() @IsString() @Length(1, 128) fileId?: string;
}

/** Event: one department's part of a case is ready for its back office (一次分办), once its dependencies are approved. */
export class CasePartDispatchedEvent {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsUUID() partId!: string;
  @Matches(CASE_NO) caseNo!: string;
  @IsString() @Length(1, 64) bundleCode!: string;
  @IsInt() bundleVersion!: number;
  @IsString() @Length(1, 32) matterCode!: string;
  @IsString() @Length(1, 128) matterName!: string;
  @IsString() @Length(1, 64) department!: string;
  /** The part's committed due day (working days from the platform's calendar); `provisional` when the calendar did not answer. */
  @Matches(/^\d{4}-\d{2}-\d{2}$/) dueOn!: string;
  @IsOptional() provisional?: boolean;
  /** The form values this matter asks for, by field id of the bundle’s merged form (`newborn.DE00002`, `applicant.<matter>:<key>`). */
  @IsObject() form!: Record<string, unknown>;
  @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => DispatchedMaterial) materials!: DispatchedMaterial[];
  /** The applicant's ID number or credit code, masked. */
  @IsString() @Length(1, 32) applicantMasked!: string;
  /** 跨域办 (GB/T 2260 codes): where the application was received (收件地), where this part is handled (办理地), where the result goes (送达地). */
  @IsOptional() @Matches(/^\d{6}$/) acceptRegion?: string;
  @IsOptional() @Matches(/^\d{6}$/) handlingRegion?: string;
  @IsOptional() @Matches(/^\d{6}$/) deliveryRegion?: string;
}

export class PartOutput {
  @IsString() @Length(1, 64) code!: string;
  /** The department's reference for it (a licence id, a certificate number …). */
  @IsString() @Length(1, 128) reference!: string;
}

/** Event: a department's decision on its part (department systems, or the simulated department, → business-platform). */
export class CasePartDecidedEvent {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsUUID() partId!: string;
  @Matches(CASE_NO) caseNo!: string;
  @IsString() @Length(1, 32) matterCode!: string;
  /** The deciding department: must be the part's. */
  @IsString() @Length(1, 64) department!: string;
  @IsIn(['approved', 'rejected']) decision!: 'approved' | 'rejected';
  /** Required when rejected: shown to the applicant. */
  @IsOptional() @IsString() @Length(2, 500) reason?: string;
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => PartOutput) outputs?: PartOutput[];
  @IsISO8601() decidedAt!: string;
}

/** Event: a department's part passed its committed due day undecided (超期上报) → supervision, the department's own alerting. */
export class CasePartOverdueEvent {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsUUID() partId!: string;
  @Matches(CASE_NO) caseNo!: string;
  @IsString() @Length(1, 32) matterCode!: string;
  @IsString() @Length(1, 64) department!: string;
  @Matches(/^\d{4}-\d{2}-\d{2}$/) dueOn!: string;
  /** Set when a workflow step's own limit passed (escalation: the step and its due day), not the part's committed due day. */
  @IsOptional() @IsString() @Length(1, 32) state?: string;
}
