import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, UseGuards } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import { Caller, InternalApiGuard, RequireCaller } from '@gmp/service-kit';
import { CatalogueProblem } from '../catalogue/catalogue.problems.js';
import { CatalogueService } from '../catalogue/catalogue.service.js';
import { CorrectedRecordBody, DiscardBody, QuarantineQuery, RecordBatchBody } from './ingestion.dto.js';
import { QuarantineEntry } from './ingestion.entities.js';
import { IngestionProblem } from './ingestion.problems.js';
import { QualityReportService } from './quality-report.service.js';
import { IngestRecord } from './usecases/ingest-record/ingest-record.usecase.js';
import { ResubmitQuarantined } from './usecases/resubmit-quarantined/resubmit-quarantined.usecase.js';

const uuid = new ParseUUIDPipe({ exceptionFactory: () => IngestionProblem.QUARANTINE_ENTRY_NOT_FOUND('id 须为 UUID (the id is a UUID)') });

function entryView(e: QuarantineEntry) {
  return {
    id: e.id,
    resourceCode: e.resourceCode,
    department: e.department,
    updatedAt: e.sourceUpdatedAt,
    record: e.record,
    reasons: e.reasons,
    origin: e.origin,
    status: e.status,
    attempts: e.attempts,
    receivedAt: e.receivedAt.toISOString(),
    resolvedAt: e.resolvedAt?.toISOString() ?? null,
    resolvedBy: e.resolvedBy,
  };
}

/** 数据归集: departments' backfill over HTTP, the quarantine (问题数据) and its corrections, quality reports (internal network). */
@ApiTags('ingestion 数据归集')
@Controller('internal/v1/data')
@UseGuards(InternalApiGuard)
@ApiHeader({ name: 'X-Internal-Token', required: true })
export class IngestionController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalogue: CatalogueService,
    private readonly ingest: IngestRecord,
    private readonly resubmit: ResubmitQuarantined,
    private readonly quality: QualityReportService,
  ) {}

  @RequireCaller('报送人')
  @Post('resources/:code/records')
  @ApiHeader({ name: 'X-Caller', required: true })
  @HttpCode(200)
  @ApiOperation({ summary: '批量归集 (backfill up to 1,000 records; each stored or quarantined with its reasons, in one transaction)' })
  async backfill(@Param('code') code: string, @Body() body: RecordBatchBody) {
    const outcomes = await this.dataSource.transaction(async (m) => {
      if (!(await this.catalogue.find(code, m))) throw CatalogueProblem.RESOURCE_NOT_FOUND(code);
      return this.ingest.executeMany(
        body.records.map((r) => ({
          resourceCode: code,
          department: body.department,
          updatedAt: r.updatedAt,
          record: r.record,
          origin: body.from === 'national' ? ('national' as const) : ('http' as const),
        })),
        m,
      );
    });
    const count = (s: string) => outcomes.filter((o) => o.status === s).length;
    return {
      stored: count('stored'),
      unchanged: count('unchanged'),
      stale: count('stale'),
      quarantined: outcomes.flatMap((o, index) => (o.status === 'quarantined' ? [{ index, id: o.quarantineId, reasons: o.reasons }] : [])),
    };
  }

  @Get('resources/:code/quality')
  @ApiOperation({ summary: '数据质量报告 (completeness, error rate per department, freshness against the update cycle)' })
  async report(@Param('code') code: string) {
    return this.quality.report(code);
  }

  @Get('quarantine')
  @ApiOperation({ summary: '问题数据列表 (quarantine entries, newest first, at most 500)' })
  async list(@Query() query: QuarantineQuery) {
    const entries = await this.dataSource.getRepository(QuarantineEntry).find({
      where: {
        ...(query.resource ? { resourceCode: query.resource } : {}),
        ...(query.department ? { department: query.department } : {}),
        ...(query.status ? { status: query.status } : {}),
      },
      order: { receivedAt: 'DESC' },
      take: 500,
    });
    return { entries: entries.map(entryView) };
  }

  @Get('quarantine/:id')
  @ApiOperation({ summary: '一条问题数据及其全部原因 (one entry with every reason)' })
  async get(@Param('id', uuid) id: string) {
    const entry = await this.dataSource.getRepository(QuarantineEntry).findOneBy({ id });
    if (!entry) throw IngestionProblem.QUARANTINE_ENTRY_NOT_FOUND(id);
    return entryView(entry);
  }

  @RequireCaller('更正人')
  @Put('quarantine/:id')
  @ApiHeader({ name: 'X-Caller', required: true })
  @ApiOperation({ summary: '提交更正 (re-submit the corrected record through the same checks; 422 RECORD_STILL_FAILS with every reason)' })
  async correct(@Param('id', uuid) id: string, @Body() body: CorrectedRecordBody, @Caller() caller: string) {
    return this.resubmit.execute({ id, record: body.record, updatedAt: body.updatedAt, by: caller });
  }

  @RequireCaller('处理人')
  @Post('quarantine/:id/discard')
  @HttpCode(200)
  @ApiHeader({ name: 'X-Caller', required: true })
  @ApiOperation({ summary: '作废 (discard an entry, with the reason; kept, never deleted)' })
  async discard(@Param('id', uuid) id: string, @Body() body: DiscardBody, @Caller() caller: string) {
    return this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(QuarantineEntry);
      const entry = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!entry) throw IngestionProblem.QUARANTINE_ENTRY_NOT_FOUND(id);
      if (entry.status !== 'open') throw IngestionProblem.QUARANTINE_ENTRY_CLOSED(`${id}: ${entry.status}`);
      const reasons = [...entry.reasons, { rule: 'discarded', item: null, message: body.reason }];
      await repo.update({ id }, { status: 'discarded', reasons, resolvedAt: new Date(), resolvedBy: caller });
      return entryView({ ...entry, status: 'discarded', reasons, resolvedAt: new Date(), resolvedBy: caller });
    });
  }
}
