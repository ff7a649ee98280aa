import { Body, Controller, Get, Param, ParseIntPipe, Put, UseGuards } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import { Caller, InternalApiGuard, RequireCaller } from '@gmp/service-kit';
import { CalendarDay, CalendarYear } from './calendar.entities.js';
import { type CalendarYearView, PublishCalendarYearBody } from './calendar.dto.js';
import { CalendarProblem } from './calendar.problems.js';
import { PublishCalendarYear } from './usecases/publish-calendar-year/publish-calendar-year.usecase.js';

const yearPipe = new ParseIntPipe({ exceptionFactory: () => CalendarProblem.YEAR_INVALID() });

function checkedYear(year: number): number {
  if (year < 2000 || year > 2100) throw CalendarProblem.YEAR_INVALID(String(year));
  return year;
}

/** Ops keep the working-day calendar: a year's holiday arrangement, read and published (internal network; X-Caller names who). */
@ApiTags('calendar 工作日历 (operators)')
@Controller('internal/v1/calendar/years')
@UseGuards(InternalApiGuard)
@ApiHeader({ name: 'X-Internal-Token', required: true })
export class CalendarAdminController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly publishYear: PublishCalendarYear,
  ) {}

  @Get(':year')
  @ApiOperation({ summary: '某年放假安排 (a year’s holiday arrangement; 404 YEAR_NOT_PUBLISHED)' })
  async get(@Param('year', yearPipe) year: number): Promise<CalendarYearView> {
    const row = await this.dataSource.getRepository(CalendarYear).findOneBy({ year: checkedYear(year) });
    if (!row) throw CalendarProblem.YEAR_NOT_PUBLISHED(String(year));
    const days = await this.dataSource.getRepository(CalendarDay).find({ where: { year }, order: { day: 'ASC' } });
    return {
      year,
      revision: row.revision,
      source: row.source,
      publishedBy: row.publishedBy,
      publishedAt: row.publishedAt.toISOString(),
      days: days.map((d) => ({ date: d.day, kind: d.kind, name: d.name })),
    };
  }

  @RequireCaller('操作人')
  @Put(':year')
  @ApiHeader({ name: 'X-Caller', required: true })
  @ApiOperation({ summary: '发布或更正某年放假安排 (publish or correct a year’s holiday arrangement; kept as a new revision)' })
  async put(@Param('year', yearPipe) year: number, @Body() body: PublishCalendarYearBody, @Caller() caller: string) {
    return this.publishYear.execute({ year: checkedYear(year), arrangement: body, by: caller });
  }
}
