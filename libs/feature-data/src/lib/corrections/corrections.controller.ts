import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import { Caller, InternalApiGuard, RequireCaller } from '@gmp/service-kit';
import { CorrectionDecisionBody, CorrectionListQuery, correctionView } from './corrections.dto.js';
import { type CorrectionStatus, DataCorrection } from './corrections.entities.js';
import { CorrectionsProblem } from './corrections.problems.js';
import { DecideCorrection } from './usecases/decide-correction/decide-correction.usecase.js';

const uuid = new ParseUUIDPipe({ exceptionFactory: () => CorrectionsProblem.CORRECTION_NOT_FOUND('id 须为 UUID (the id is a UUID)') });

/** 数据纠错: the provider departments' list of correction requests and their answers (internal network; X-Caller names who). */
@ApiTags('corrections 数据纠错')
@Controller('internal/v1/data/corrections')
@UseGuards(InternalApiGuard)
@ApiHeader({ name: 'X-Internal-Token', required: true })
export class CorrectionsController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly decide: DecideCorrection,
  ) {}

  @Get()
  @ApiOperation({ summary: '本部门的纠错申请 (a department’s correction requests, oldest due first)' })
  async list(@Query() q: CorrectionListQuery) {
    const rows = await this.dataSource.getRepository(DataCorrection).find({
      where: { ownerDepartment: q.department, ...(q.status ? { status: q.status as CorrectionStatus } : {}) },
      order: { dueOn: 'ASC', createdAt: 'ASC' },
      take: 500,
    });
    return { corrections: rows.map(correctionView) };
  }

  @RequireCaller('答复人')
  @Post(':id/decision')
  @HttpCode(200)
  @ApiHeader({ name: 'X-Caller', required: true })
  @ApiOperation({ summary: '提供部门答复 (the provider department accepts or rejects, with its reason; once)' })
  async decision(@Param('id', uuid) id: string, @Body() body: CorrectionDecisionBody, @Caller() caller: string) {
    return this.decide.execute(id, body, caller);
  }
}
