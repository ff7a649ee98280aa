import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CalendarDay, CalendarYear } from './calendar.entities.js';
import { CalendarProblem } from './calendar.problems.js';
import { dayNumber, type DayKind, WorkingDayCalendar } from '@gmp/gov-standards';

/** How long one instance answers from the calendar it read (another instance's publication shows within this time). */
const SNAPSHOT_TTL_MS = 60_000;

/** The calendar as stored, read into a snapshot (a few dozen rows a year) that each instance keeps for a minute. */
@Injectable()
export class CalendarStoreService {
  private snapshot: { calendar: WorkingDayCalendar; until: number } | null = null;
  private loading: Promise<WorkingDayCalendar> | null = null;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async calendar(): Promise<WorkingDayCalendar> {
    if (this.snapshot && this.snapshot.until > Date.now()) return this.snapshot.calendar;
    this.loading ??= this.load().finally(() => (this.loading = null));
    return this.loading;
  }

  /** After a publication on this instance: the next question reads the store. */
  forget(): void {
    this.snapshot = null;
  }

  private async load(): Promise<WorkingDayCalendar> {
    const [years, days] = await Promise.all([
      this.dataSource.getRepository(CalendarYear).find({ select: { year: true } }),
      this.dataSource.getRepository(CalendarDay).find(),
    ]);
    const exceptions = new Map<number, DayKind>(days.map((d) => [dayNumber(d.day)!, d.kind]));
    const calendar = new WorkingDayCalendar(exceptions, new Set(years.map((y) => y.year)));
    this.snapshot = { calendar, until: Date.now() + SNAPSHOT_TTL_MS };
    return calendar;
  }
}

/** A YYYY-MM-DD date of the wire as a day number; 422 NO_SUCH_DATE for 2026-02-30 and the like (the format is checked by the contract). */
export function dayOf(field: string, date: string): number {
  const day = dayNumber(date);
  if (day === null) throw CalendarProblem.NO_SUCH_DATE(`${field}: ${date}`);
  return day;
}
