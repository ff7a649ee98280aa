/**
 * Working-day arithmetic over a calendar: Monday to Friday are working days, except the
 * holidays of a published arrangement; Saturdays and Sundays are not, except its make-up
 * working days (调休上班). Dates are calendar dates (YYYY-MM-DD, Beijing), computed in UTC so
 * that no time zone or daylight rule moves them.
 */
export type DayKind = 'holiday' | 'workday';

const DAY_MS = 86_400_000;
/** Longest span counted or walked (a guard against a request that would walk for ever). */
export const MAX_SPAN_DAYS = 366 * 30;

/** Days since 1970-01-01 of a YYYY-MM-DD date, or null when it is no real date (2026-02-30). */
export function dayNumber(date: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return t / DAY_MS;
}

export function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function isWeekend(day: number): boolean {
  const weekday = new Date(day * DAY_MS).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** A snapshot of the calendar: the days that differ from the weekday rule, and the years whose arrangement is published. */
export class WorkingDayCalendar {
  constructor(
    private readonly exceptions: ReadonlyMap<number, DayKind>,
    private readonly publishedYears: ReadonlySet<number>,
  ) {}

  isWorkingDay(day: number): boolean {
    const kind = this.exceptions.get(day);
    return kind ? kind === 'workday' : !isWeekend(day);
  }

  /** The day the n-th working day after `from` falls on (from itself not counted), and the unpublished years walked through. */
  deadline(from: number, workingDays: number): { due: number; unpublishedYears: number[] } {
    const unpublished = new Set<number>();
    let day = from;
    let left = workingDays;
    while (left > 0) {
      day += 1;
      if (day - from > MAX_SPAN_DAYS) throw new RangeError('span too long');
      this.note(day, unpublished);
      if (this.isWorkingDay(day)) left -= 1;
    }
    return { due: day, unpublishedYears: [...unpublished].sort() };
  }

  /** Working days in (from, to]; the negative count of those in (to, from] when `to` is earlier. */
  count(from: number, to: number): { workingDays: number; unpublishedYears: number[] } {
    if (Math.abs(to - from) > MAX_SPAN_DAYS) throw new RangeError('span too long');
    const [start, end, sign] = to >= from ? [from, to, 1] : [to, from, -1];
    const unpublished = new Set<number>();
    let n = 0;
    for (let day = start + 1; day <= end; day++) {
      this.note(day, unpublished);
      if (this.isWorkingDay(day)) n += 1;
    }
    return { workingDays: sign * n, unpublishedYears: [...unpublished].sort() };
  }

  private note(day: number, unpublished: Set<number>): void {
    const year = new Date(day * DAY_MS).getUTCFullYear();
    if (!this.publishedYears.has(year)) unpublished.add(year);
  }
}
