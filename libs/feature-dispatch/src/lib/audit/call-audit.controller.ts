import { Controller, Get, HttpCode, Post, Query, Req, UseGuards } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiBasicAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import { quoteTablePath } from '@gmp/messaging';
import { CommonProblem, InternalApiGuard } from '@gmp/service-kit';
import { AppCredentialsGuard, type AppRequest } from '../apps/app-credentials.guard.js';
import { shanghaiDate } from '../quota/rate-limits.service.js';
import { CallAuditService } from './call-audit.service.js';
import { CallAuditEntry } from './call-audit.entities.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Usage by day (Beijing time) × app × capability × outcome, from the call audit. */
async function usage(dataSource: DataSource, filter: { app?: string; capability?: string; from: string; to: string }) {
  const real = (d: unknown) =>
    typeof d === 'string' &&
    DAY.test(d) &&
    !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) &&
    new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d;
  if (!real(filter.from) || !real(filter.to) || filter.from > filter.to)
    throw CommonProblem.INVALID_INPUT('from / to: YYYY-MM-DD, from ≤ to');
  const rows: { day: string; app: string; capability: string; calls: string; errors: string; refused: string; p50: number; p99: number }[] =
    await dataSource.query(
      `SELECT to_char(at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day, app, capability, count(*) AS calls,
            count(*) FILTER (WHERE status >= 500) AS errors, count(*) FILTER (WHERE status >= 400 AND status < 500) AS refused,
            percentile_disc(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50, percentile_disc(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99
       FROM ${quoteTablePath(dataSource.getMetadata(CallAuditEntry).tablePath)}
      WHERE at >= ($1::date::timestamp AT TIME ZONE 'Asia/Shanghai') AND at < (($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
        AND ($3::varchar IS NULL OR app = $3) AND ($4::varchar IS NULL OR capability = $4)
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 LIMIT 5000`,
      [filter.from, filter.to, filter.app ?? null, filter.capability ?? null],
    );
  return {
    from: filter.from,
    to: filter.to,
    usage: rows.map((r) => ({
      day: r.day,
      app: r.app,
      capability: r.capability,
      calls: Number(r.calls),
      errors: Number(r.errors),
      refused: Number(r.refused),
      latencyMs: { p50: r.p50, p99: r.p99 },
    })),
  };
}

const today = () => shanghaiDate(new Date());

/** An app's own usage (用量) by day. */
@ApiTags('usage 用量')
@Controller('v1/usage')
@UseGuards(AppCredentialsGuard)
@ApiBasicAuth('app')
export class UsageController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get()
  @ApiOperation({ summary: '本应用的调用量 (this app’s calls by day × capability: calls, refusals, errors, p50/p99 latency)' })
  mine(@Req() request: AppRequest, @Query('from') from?: string, @Query('to') to?: string, @Query('capability') capability?: string) {
    return usage(this.dataSource, { app: request.app!.appKey, capability, from: from ?? today(), to: to ?? today() });
  }
}

/** For owners and auditors (internal network): the call audit, its verification, and usage of every app. */
@ApiTags('audit 调用审计')
@Controller('internal/v1')
@UseGuards(InternalApiGuard)
@ApiHeader({ name: 'X-Internal-Token', required: true })
export class CallAuditController {
  constructor(
    private readonly audit: CallAuditService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Get('audit/calls')
  @ApiOperation({ summary: '调用审计记录 (call audit entries, newest first; ?app=&capability=&limit=)' })
  async calls(@Query('app') app?: string, @Query('capability') capability?: string, @Query('limit') limit?: string) {
    const n = limit === undefined ? 100 : Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 500) throw CommonProblem.INVALID_INPUT('limit: 1–500');
    const where = { ...(app ? { app } : {}), ...(capability ? { capability } : {}) };
    const rows = await this.dataSource.getRepository(CallAuditEntry).find({ where, order: { at: 'DESC' }, take: n });
    return {
      calls: rows.map((r) => ({
        at: r.at.toISOString(),
        app: r.app,
        capability: r.capability,
        operation: r.operation,
        endUser: r.endUser,
        purpose: r.purpose,
        caseId: r.caseId,
        correlationId: r.correlationId,
        status: r.status,
        code: r.code,
        latencyMs: r.latencyMs,
        requestHash: r.requestHash,
        chainId: r.chainId,
        seq: r.seq,
        hash: r.hash,
      })),
    };
  }

  @Post('audit/verify')
  @HttpCode(200)
  @ApiOperation({ summary: '核验调用审计链 (verify every hash chain of the call audit)' })
  verify() {
    return this.audit.verify();
  }

  @Get('usage')
  @ApiOperation({ summary: '调用量 (calls by day × app × capability; ?from=&to=&app=&capability=)' })
  all(@Query('from') from?: string, @Query('to') to?: string, @Query('app') app?: string, @Query('capability') capability?: string) {
    return usage(this.dataSource, { app, capability, from: from ?? today(), to: to ?? today() });
  }
}
