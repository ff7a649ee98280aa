import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { DataSource } from 'typeorm';
import { quoteTablePath } from '@gmp/messaging';
import { InternalApiGuard } from '@gmp/service-kit';
import { todayInChina } from '@gmp/gov-standards';
import { BizRating, BizRectification } from './ratings.entities.js';

export class RatingSummaryQuery {
  /** Group by the rated department, matter, or bundle. */
  @IsOptional() @IsIn(['department', 'matter', 'bundle']) by?: 'department' | 'matter' | 'bundle';
}

const COLUMN = { department: 'g.department', matter: "nullif(g.matter_code, '')", bundle: 'g.bundle_code' } as const;

/** 好差评 rates (supervision, internal network): per department, matter or bundle. */
@ApiTags('ratings 好差评')
@Controller('internal/v1/business/ratings')
@UseGuards(InternalApiGuard)
@ApiHeader({ name: 'X-Internal-Token', required: true })
export class RatingsController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get('summary')
  @ApiOperation({
    summary: '好差评统计 (ratings, average, bad ratings and how their rectifications stand, per department, matter or bundle)',
  })
  async summary(@Query() query: RatingSummaryQuery) {
    const by = query.by ?? 'department';
    const g = quoteTablePath(this.dataSource.getMetadata(BizRating).tablePath);
    const r = quoteTablePath(this.dataSource.getMetadata(BizRectification).tablePath);
    const rows = (await this.dataSource.query(
      // Ratings a reviewer found invalid (无效评价) count in neither the average nor the bad ones: they are reported apart.
      `SELECT ${COLUMN[by]} AS key,
              count(*) FILTER (WHERE r.status IS DISTINCT FROM 'invalid')::int AS ratings,
              round(avg(g.score) FILTER (WHERE r.status IS DISTINCT FROM 'invalid')::numeric, 2)::float AS average,
              count(*) FILTER (WHERE g.score <= 2 AND r.status IS DISTINCT FROM 'invalid')::int AS bad,
              count(r.id) FILTER (WHERE r.status = 'invalid')::int AS invalid,
              count(r.id) FILTER (WHERE r.status IN ('rectified', 'closed'))::int AS rectified,
              count(r.id) FILTER (WHERE r.status IN ('rectified', 'closed') AND r.late)::int AS "rectifiedLate",
              count(r.id) FILTER (WHERE r.status = 'closed')::int AS closed,
              count(r.id) FILTER (WHERE r.status = 'rectified')::int AS accepting,
              count(r.id) FILTER (WHERE r.status IN ('pending', 'in-progress', 'review'))::int AS open,
              count(r.id) FILTER (WHERE r.status IN ('pending', 'in-progress', 'review') AND r.due_on < $1)::int AS overdue,
              count(r.id) FILTER (WHERE r.status = 'unrectifiable')::int AS unrectifiable
         FROM ${g} g LEFT JOIN ${r} r ON r.rating_id = g.id
        GROUP BY 1 ORDER BY 1 NULLS FIRST`,
      [todayInChina(new Date())],
    )) as { key: string | null }[];
    // A whole case's ratings have no matter: `key` null when grouping by matter.
    return { by, groups: rows };
  }
}
