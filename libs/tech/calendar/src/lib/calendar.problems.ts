import { problemVocabulary } from '@gmp/service-kit';

/** The working-day calendar's problems: every refusal it answers, with its status and title. */
export const CalendarProblem = problemVocabulary({
  NO_SUCH_DATE: { status: 422, title: '日期不存在 (no such date)' },
  SPAN_TOO_LONG: { status: 422, title: '时间跨度过长 (the span is too long: at most 30 years)' },
  YEAR_INVALID: { status: 400, title: '年份须为 2000–2100 的整数 (the year is an integer from 2000 to 2100)' },
  DAY_OUTSIDE_YEAR: { status: 422, title: '日期不在所发布的年份内 (a day lies outside the year published)' },
  DAY_LISTED_TWICE: { status: 422, title: '同一日期列出两次 (a day is listed twice)' },
  WORKDAY_NOT_WEEKEND: { status: 422, title: '调休上班日须为周六或周日 (a make-up working day falls on a Saturday or Sunday)' },
  YEAR_NOT_PUBLISHED: { status: 404, title: '该年度放假安排尚未发布 (no holiday arrangement published for that year)' },
});
