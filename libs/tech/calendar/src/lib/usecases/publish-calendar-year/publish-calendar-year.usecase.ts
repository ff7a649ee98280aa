import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CalendarStoreService, dayOf } from '../../calendar-store.service.js';
import type { CalendarYearView, PublishCalendarYearBody } from '../../calendar.dto.js';
import { CalendarDay, CalendarRevision, CalendarYear } from '../../calendar.entities.js';
import { CalendarProblem } from '../../calendar.problems.js';
import { isWeekend } from '@gmp/gov-standards';

export interface PublishCalendarYearCommand {
  year: number;
  arrangement: PublishCalendarYearBody;
  /** Who publishes (X-Caller). */
  by: string;
}

/**
 * Publishes (or corrects) one year's holiday arrangement: every day checked, the year's days
 * replaced in one transaction, the arrangement kept as a new revision. Ops extend the calendar
 * for a new year this way, without a release.
 */
@Injectable()
export class PublishCalendarYear {
  private readonly log = new Logger('Calendar');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: CalendarStoreService,
  ) {}

  async execute({ year, arrangement, by }: PublishCalendarYearCommand): Promise<CalendarYearView> {
    const seen = new Set<string>();
    for (const [i, d] of arrangement.days.entries()) {
      const day = dayOf(`days[${i}].date`, d.date);
      if (Number(d.date.slice(0, 4)) !== year) throw CalendarProblem.DAY_OUTSIDE_YEAR(`days[${i}].date ${d.date} (year ${year})`);
      if (seen.has(d.date)) throw CalendarProblem.DAY_LISTED_TWICE(`days[${i}].date ${d.date}`);
      if (d.kind === 'workday' && !isWeekend(day)) throw CalendarProblem.WORKDAY_NOT_WEEKEND(`days[${i}].date ${d.date}`);
      seen.add(d.date);
    }
    const days = [...arrangement.days].sort((a, b) => a.date.localeCompare(b.date));
    const publishedAt = new Date();
    const revision = await this.dataSource.transaction(async (m) => {
      // The year's row locked (or its first publication serialised on the key): one publication of a year at a time.
      const current = await m.getRepository(CalendarYear).findOne({ where: { year }, lock: { mode: 'pessimistic_write' } });
      const next = (current?.revision ?? 0) + 1;
      await m.getRepository(CalendarDay).delete({ year });
      if (days.length > 0) await m.getRepository(CalendarDay).insert(days.map((d) => ({ day: d.date, year, kind: d.kind, name: d.name })));
      await m
        .getRepository(CalendarRevision)
        .insert({ year, revision: next, days, source: arrangement.source, publishedBy: by, publishedAt });
      await m
        .getRepository(CalendarYear)
        .upsert({ year, revision: next, source: arrangement.source, publishedBy: by, publishedAt }, ['year']);
      return next;
    });
    this.store.forget();
    this.log.log(`${year} 年放假安排已发布 (holiday arrangement published), revision ${revision}, ${days.length} days, by ${by}`);
    return { year, revision, source: arrangement.source, publishedBy: by, publishedAt: publishedAt.toISOString(), days };
  }
}
