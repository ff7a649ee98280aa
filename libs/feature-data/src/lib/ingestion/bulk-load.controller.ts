import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, UseGuards } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiConsumes, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DataSource } from 'typeorm';
import { Caller, InternalApiGuard, RequireCaller } from '@gmp/service-kit';
import { BulkLoad } from './bulk-load.entities.js';
import { BulkLoadQuery } from './ingestion.dto.js';
import { IngestionProblem } from './ingestion.problems.js';
import { ProcessBulkLoads } from './usecases/process-bulk-loads/process-bulk-loads.usecase.js';
import { ReceiveBulkLoad } from './usecases/receive-bulk-load/receive-bulk-load.usecase.js';

export const NDJSON = 'application/x-ndjson';
const BULK_LOAD_PATH = /^\/internal\/v1\/data\/resources\/[^/?]+\/bulk-loads(\?|$)/;

/**
 * The NDJSON body of a bulk load is handed to the route unread (streamed into COPY, its limits
 * checked as it arrives); any other route sent NDJSON answers 415.
 */
export function acceptBulkLoadBodies(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(NDJSON, (request, payload, done) => {
    if (BULK_LOAD_PATH.test(request.url)) done(null, payload);
    else done(IngestionProblem.BULK_CONTENT_TYPE(`${NDJSON} 仅用于批量归集 (only bulk loads take NDJSON)`), undefined);
  });
}

const uuid = new ParseUUIDPipe({ exceptionFactory: () => IngestionProblem.BULK_LOAD_NOT_FOUND('id 须为 UUID (the id is a UUID)') });

function loadView(l: BulkLoad) {
  return {
    id: l.id,
    resourceCode: l.resourceCode,
    department: l.department,
    origin: l.origin,
    submittedBy: l.submittedBy,
    status: l.status,
    lines: l.lines,
    bytes: Number(l.bytes),
    processed: l.processed,
    stored: l.stored,
    unchanged: l.unchanged,
    stale: l.stale,
    quarantined: l.quarantined,
    quarantineSample: l.quarantineSample,
    error: l.error,
    receivedAt: l.receivedAt.toISOString(),
    finishedAt: l.finishedAt?.toISOString() ?? null,
  };
}

/** 批量归集: a department's bulk backfill as NDJSON, received at once, checked and stored in the background. */
@ApiTags('ingestion 数据归集')
@Controller('internal/v1/data')
@UseGuards(InternalApiGuard)
@ApiHeader({ name: 'X-Internal-Token', required: true })
export class BulkLoadController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly receive: ReceiveBulkLoad,
    private readonly process: ProcessBulkLoads,
  ) {}

  @RequireCaller('报送人')
  @Post('resources/:code/bulk-loads')
  @HttpCode(202)
  @ApiHeader({ name: 'X-Caller', required: true })
  @ApiConsumes(NDJSON)
  @ApiOperation({
    summary:
      '批量归集 (bulk backfill: one {"updatedAt","record"} per line, up to 1 GiB / 10 million lines; kept by COPY before the answer, then checked and stored or quarantined in the background)',
  })
  async create(@Param('code') code: string, @Query() query: BulkLoadQuery, @Req() request: FastifyRequest, @Caller() caller: string) {
    const body = request.body as unknown;
    const streamed =
      typeof body === 'object' &&
      body !== null &&
      Symbol.asyncIterator in body &&
      request.headers['content-type']?.toLowerCase().startsWith(NDJSON);
    if (!streamed) throw IngestionProblem.BULK_CONTENT_TYPE(`Content-Type: ${NDJSON}`);
    const load = await this.receive.execute({
      resourceCode: code,
      department: query.department,
      origin: query.from === 'national' ? 'national' : 'http',
      by: caller,
      body: body as AsyncIterable<Buffer>,
    });
    this.process.kick();
    return loadView(load);
  }

  @Get('bulk-loads/:id')
  @ApiOperation({
    summary: '批量归集进度 (a bulk load: status, lines processed, stored, quarantined with the first 100 lines and reasons)',
  })
  async get(@Param('id', uuid) id: string) {
    const load = await this.dataSource.getRepository(BulkLoad).findOneBy({ id });
    if (!load) throw IngestionProblem.BULK_LOAD_NOT_FOUND(id);
    return loadView(load);
  }
}
