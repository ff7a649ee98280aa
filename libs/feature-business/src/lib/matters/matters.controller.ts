import { Body, Controller, Get, Param, Put, Query, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { Caller, InternalApiGuard, RequireCaller } from '@gmp/service-kit';
import { CatalogueProblem } from '../business.problems.js';
import { MATTER_TYPES } from './matter-definition.js';
import { MatterDefinitionBody } from './matter-definition.dto.js';
import type { BizMatter } from './matters.entities.js';
import { MattersService } from './matters.service.js';
import { DefineMatter } from './usecases/define-matter/define-matter.usecase.js';

export class MatterQuery {
  @IsOptional() @IsString() @Length(1, 128) q?: string;
  @IsOptional() @IsString() @Length(1, 64) department?: string;
  @IsOptional() @IsIn(MATTER_TYPES) type?: string;
  @IsOptional() @IsIn(['person', 'company']) target?: string;
}

function matterView(m: BizMatter) {
  return { ...m.definition, version: m.version, updatedAt: m.updatedAt.toISOString(), updatedBy: m.updatedBy };
}

/** 事项目录 (matter catalogue): define and version matters, search them, the 三级四同 report (internal network). */
@ApiTags('matters 事项目录')
@Controller('internal/v1/business')
@UseGuards(InternalApiGuard)
@ApiHeader({ name: 'X-Internal-Token', required: true })
export class MattersController {
  constructor(
    private readonly matters: MattersService,
    private readonly define: DefineMatter,
  ) {}

  @RequireCaller('事项管理员')
  @Put('matters/:code')
  @ApiHeader({ name: 'X-Caller', required: true })
  @ApiOperation({ summary: '发布事项 (define a matter or its next version; the same definition again changes nothing)' })
  async put(@Param('code') code: string, @Body() body: MatterDefinitionBody, @Caller() caller: string) {
    if (body.code !== code) throw CatalogueProblem.MATTER_CODE_MISMATCH(`${code} ≠ ${body.code}`);
    const { matter, changed } = await this.define.execute({ definition: body, by: caller });
    return { ...matterView(matter), changed };
  }

  @Get('matters')
  @ApiOperation({ summary: '事项列表 (search by code, name or 基本编码; filter by department, type, target; at most 500)' })
  async list(@Query() query: MatterQuery) {
    return { matters: (await this.matters.list(query)).map(matterView) };
  }

  @Get('matters/:code')
  @ApiOperation({ summary: '一个事项 (its current definition and version)' })
  async get(@Param('code') code: string) {
    return matterView(await this.matters.get(code));
  }

  @Get('matter-consistency')
  @ApiOperation({ summary: '三级四同 (matters sharing a 基本编码 whose name, type or legal basis differ across levels)' })
  async consistency() {
    return { findings: await this.matters.consistency() };
  }
}
