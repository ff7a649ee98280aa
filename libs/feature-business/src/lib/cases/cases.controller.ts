import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import type { FastifyReply } from 'fastify';
import type { DataSource } from 'typeorm';
import { Caller, CommonProblem, InternalApiGuard, RequireCaller } from '@gmp/service-kit';
import { BizCase } from './cases.entities.js';
import { CaseProblem } from './cases.problems.js';
import { SubmitApplication } from './usecases/submit-application/submit-application.usecase.js';
import { SupplyMaterial } from './usecases/supply-material/supply-material.usecase.js';
import { AnswerSendBack } from './usecases/answer-send-back/answer-send-back.usecase.js';
import { CaseViewService } from './case-view.service.js';

export class ApplicantBody {
  /** ID number (person bundles) or credit code (company bundles), checked against the bundle's target. */
  @IsString() @Length(18, 18) id!: string;
  @IsString() @Length(1, 64) name!: string;
}

/** Body of POST /internal/v1/business/applications — one application for a whole bundle (一次提交). */
export class ApplicationBody {
  @Matches(/^[A-Z][A-Z0-9-]{2,63}$/) bundleCode!: string;
  @IsOptional() @IsInt() @Min(1) @Max(10_000) bundleVersion?: number;
  @IsDefined() @ValidateNested() @Type(() => ApplicantBody) applicant!: ApplicantBody;
  /** Values by field id of the bundle's form (see its plan); prefillable fields may be left out. */
  @IsObject() form!: Record<string, unknown>;
  /** Uploaded materials: material code → { fileId } (the file store's id). */
  @IsOptional() @IsObject() materials?: Record<string, { fileId: string }>;
  /** 容缺: materials accepted missing, supplied later. */
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Length(1, 64, { each: true }) deferred?: string[];
  /** 告知承诺: materials a signed commitment replaces. */
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Length(1, 64, { each: true }) committed?: string[];
  @IsOptional() @IsBoolean() commitmentSigned?: boolean;
  /** Subjects of the form the applicant is (e.g. `{"mother": "<the applicant's ID>"}`): prefilled too (免填写); another person's ID is refused. */
  @IsOptional() @IsObject() subjects?: Record<string, string>;
  /** 跨域办: 收件地 — where the application is received (GB/T 2260 code; default BUSINESS_HOME_REGION). */
  @IsOptional() @Matches(/^\d{6}$/) acceptRegion?: string;
  /** 送达地 — where the result is to be delivered (default: the 收件地). */
  @IsOptional() @Matches(/^\d{6}$/) deliveryRegion?: string;
}

/** Body of POST …/cases/:caseNo/parts/:matterCode/corrections — 补正: the marked fields and materials, corrected. */
export class CorrectionBody {
  @IsOptional() @IsObject() form?: Record<string, unknown>;
  @IsOptional() @IsObject() materials?: Record<string, { fileId: string }>;
}

export class SupplementBody {
  @Matches(/^[A-Za-z0-9_-]{1,128}$/) fileId!: string;
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

/** 办件: one application for a bundle, one case number, one timeline (internal network: windows, portals, service points). */
@ApiTags('cases 办件')
@Controller('internal/v1/business')
@UseGuards(InternalApiGuard)
@ApiHeader({ name: 'X-Internal-Token', required: true })
export class CasesController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly submit: SubmitApplication,
    private readonly supply: SupplyMaterial,
    private readonly correct: AnswerSendBack,
    private readonly views: CaseViewService,
  ) {}

  @RequireCaller('受理人')
  @Post('applications')
  @ApiHeader({ name: 'X-Caller', required: true })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: '8–128 characters: the same key and application answer the stored case',
  })
  @ApiOperation({
    summary:
      '一次提交 (apply for a bundle: 201 with the case number and 一次告知; 200 for a repeat with the same Idempotency-Key; 422 listing everything missing)',
  })
  async apply(
    @Body() body: ApplicationBody,
    @Caller() caller: string,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key))
      throw CommonProblem.INVALID_HEADER('Idempotency-Key: 8–128 个字母、数字或 _.:- (8–128 letters, digits or _.:-)');
    const { case: c, created } = await this.submit.execute({
      bundleCode: body.bundleCode,
      ...(body.bundleVersion !== undefined ? { bundleVersion: body.bundleVersion } : {}),
      applicant: body.applicant,
      form: body.form,
      materials: body.materials ?? {},
      deferred: body.deferred ?? [],
      committed: body.committed ?? [],
      commitmentSigned: body.commitmentSigned ?? false,
      ...(body.subjects ? { subjects: body.subjects } : {}),
      ...(body.acceptRegion ? { acceptRegion: body.acceptRegion } : {}),
      ...(body.deliveryRegion ? { deliveryRegion: body.deliveryRegion } : {}),
      by: caller,
      ...(key ? { idempotencyKey: key } : {}),
    });
    void reply.status(created ? 201 : 200);
    return this.views.view(c);
  }

  @RequireCaller('受理人')
  @Post('cases/:caseNo/supplements/:material')
  @HttpCode(200)
  @ApiHeader({ name: 'X-Caller', required: true })
  @ApiOperation({ summary: '容缺补正 (hand in a material accepted missing, before its due day; the last one releases the outputs)' })
  async supplement(
    @Param('caseNo') caseNo: string,
    @Param('material') material: string,
    @Body() body: SupplementBody,
    @Caller() caller: string,
  ) {
    if (!/^YJS\d{14}$/.test(caseNo)) throw CaseProblem.CASE_NOT_FOUND(caseNo.slice(0, 32));
    return this.views.view(await this.supply.execute({ caseNo, materialCode: material.slice(0, 64), fileId: body.fileId, by: caller }));
  }

  @RequireCaller('受理人')
  @Post('cases/:caseNo/parts/:matterCode/corrections')
  @HttpCode(200)
  @ApiHeader({ name: 'X-Caller', required: true })
  @ApiOperation({
    summary: '补正 (answer a department’s send-back: every marked field and material, nothing else; the part goes back to the department)',
  })
  async correction(
    @Param('caseNo') caseNo: string,
    @Param('matterCode') matterCode: string,
    @Body() body: CorrectionBody,
    @Caller() caller: string,
  ) {
    if (!/^YJS\d{14}$/.test(caseNo)) throw CaseProblem.CASE_NOT_FOUND(caseNo.slice(0, 32));
    if (!/^[0-9A-Z]{18}\d{10}$/.test(matterCode)) throw CaseProblem.PART_NOT_FOUND(matterCode.slice(0, 32));
    if (Object.keys(body.form ?? {}).length > 100 || Object.keys(body.materials ?? {}).length > 50)
      throw CommonProblem.INVALID_INPUT('至多 100 个字段、50 项材料 (at most 100 fields and 50 materials)');
    return this.views.view(
      await this.correct.execute({ caseNo, matterCode, form: body.form ?? {}, materials: body.materials ?? {}, by: caller }),
    );
  }

  @Get('cases/:caseNo')
  @ApiOperation({ summary: '一个办件 (status, each department’s part, what is still needed, the timeline)' })
  async get(@Param('caseNo') caseNo: string) {
    if (!/^YJS\d{14}$/.test(caseNo)) throw CaseProblem.CASE_NOT_FOUND(caseNo.slice(0, 32));
    const c = await this.dataSource.getRepository(BizCase).findOneBy({ caseNo });
    if (!c) throw CaseProblem.CASE_NOT_FOUND(caseNo);
    return this.views.view(c);
  }
}
