import { dateOf, dayNumber, type DayKind, WorkingDayCalendar } from './working-day-calendar.js';

/** The 2026 arrangement (../shared/STANDARDS.md, "Working days"), as the migration seeds it. */
function calendar2026(): WorkingDayCalendar {
  const days = new Map<number, DayKind>();
  const span = (a: string, b: string) => {
    for (let d = dayNumber(a)!; d <= dayNumber(b)!; d++) days.set(d, 'holiday');
  };
  span('2026-01-01', '2026-01-03');
  span('2026-02-15', '2026-02-23');
  span('2026-04-04', '2026-04-06');
  span('2026-05-01', '2026-05-05');
  span('2026-06-19', '2026-06-21');
  span('2026-09-25', '2026-09-27');
  span('2026-10-01', '2026-10-07');
  for (const w of ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']) days.set(dayNumber(w)!, 'workday');
  return new WorkingDayCalendar(days, new Set([2026]));
}

const due = (c: WorkingDayCalendar, from: string, n: number) => dateOf(c.deadline(dayNumber(from)!, n).due);

describe('working-day arithmetic', () => {
  const c = calendar2026();

  it('reads only real dates', () => {
    expect(dayNumber('2026-02-28')).not.toBeNull();
    expect(dayNumber('2026-02-29')).toBeNull();
    expect(dayNumber('2024-02-29')).not.toBeNull();
    expect(dayNumber('2026-13-01')).toBeNull();
    expect(dayNumber('2026-1-01')).toBeNull();
  });

  it('skips weekends, holidays and counts make-up working days (the official 2026 arrangement)', () => {
    // An ordinary week: Monday 2026-03-02 + 5 → Monday 2026-03-09.
    expect(due(c, '2026-03-02', 5)).toBe('2026-03-09');
    // National Day: accepted Wednesday 09-30; 10-01..10-07 off, Saturday 10-10 worked.
    expect(due(c, '2026-09-30', 1)).toBe('2026-10-08');
    expect(due(c, '2026-09-30', 3)).toBe('2026-10-10');
    expect(due(c, '2026-09-30', 4)).toBe('2026-10-12');
    // Spring Festival: Friday 02-13; Saturday 02-14 is worked, 02-15..02-23 off.
    expect(due(c, '2026-02-13', 1)).toBe('2026-02-14');
    expect(due(c, '2026-02-13', 2)).toBe('2026-02-24');
    // The administrative-licensing 20 working days from New Year's Eve 2025-12-31 (2025 not published here: weekends only there).
    expect(c.deadline(dayNumber('2025-12-31')!, 20).unpublishedYears).toEqual([]);
    expect(due(c, '2026-01-01', 1)).toBe('2026-01-04');
  });

  it('counts what the deadline walked: count(from, deadline(from, n)) = n, for every day of the year and several n', () => {
    for (let from = dayNumber('2026-01-01')!; from <= dayNumber('2026-12-31')!; from += 3) {
      for (const n of [1, 5, 10, 20, 60]) {
        const { due: d } = c.deadline(from, n);
        expect(c.count(from, d).workingDays).toBe(n);
        expect(c.isWorkingDay(d)).toBe(true);
        expect(c.count(d, from).workingDays).toBe(-n);
      }
    }
  });

  it('says which years were counted without a published arrangement', () => {
    const r = c.deadline(dayNumber('2026-12-24')!, 10);
    expect(r.unpublishedYears).toEqual([2027]);
    expect(c.count(dayNumber('2024-12-01')!, dayNumber('2026-01-05')!).unpublishedYears).toEqual([2024, 2025]);
    expect(c.count(dayNumber('2026-03-01')!, dayNumber('2026-03-31')!).unpublishedYears).toEqual([]);
  });

  it('refuses spans past 30 years instead of walking for ever', () => {
    expect(() => c.deadline(dayNumber('2026-01-01')!, 8000)).toThrow(RangeError);
    expect(() => c.count(dayNumber('2000-01-01')!, dayNumber('2099-01-01')!)).toThrow(RangeError);
  });
});
