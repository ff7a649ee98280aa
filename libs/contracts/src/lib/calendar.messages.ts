import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsDefined, IsIn, IsInt, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { CallMeta } from './call-meta.message.js';

/** A calendar date as written in China's official notices: YYYY-MM-DD (Beijing time). */
export const CALENDAR_DATE = /^(19|20|21)\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DATE_MESSAGE = { message: '日期须为 YYYY-MM-DD (a date as YYYY-MM-DD)' };

/** Capability input: 工作日期限 — the day a time limit of N working days ends. */
export class CalendarDeadlineInput {
  /** The day the time limit starts from (e.g. the day an application was accepted); the count starts the day after. */
  @Matches(CALENDAR_DATE, DATE_MESSAGE) from!: string;
  /** Working days (1–3650). */
  @IsInt() @Min(1) @Max(3650) workingDays!: number;
}

export class CalendarDeadlineRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => CalendarDeadlineInput) input!: CalendarDeadlineInput;
}

export class CalendarDeadlineReply {
  /** The last day of the time limit (YYYY-MM-DD). */
  @Matches(CALENDAR_DATE) due!: string;
  /** Calendar days from `from` to `due`. */
  @IsInt() calendarDays!: number;
  /**
   * True when the count crosses a year whose holiday arrangement (放假安排) is not published in
   * the calendar yet: weekends only were counted there, and the day may move once it is.
   */
  @IsBoolean() provisional!: boolean;
  /** The years counted without a published arrangement. */
  @IsArray() @IsInt({ each: true }) unpublishedYears!: number[];
}

/** Capability input: 工作日计数 — how many working days lie after one day up to and including another. */
export class CalendarCountInput {
  @Matches(CALENDAR_DATE, DATE_MESSAGE) from!: string;
  @Matches(CALENDAR_DATE, DATE_MESSAGE) to!: string;
}

export class CalendarCountRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => CalendarCountInput) input!: CalendarCountInput;
}

export class CalendarCountReply {
  /** Working days in (from, to]; negative when `to` is before `from`. */
  @IsInt() workingDays!: number;
  @IsBoolean() provisional!: boolean;
  @IsArray() @IsInt({ each: true }) unpublishedYears!: number[];
}

/** One day of a year's arrangement: a holiday off work (放假), or a weekend day worked (调休上班). */
export class CalendarDayEntry {
  @Matches(CALENDAR_DATE, DATE_MESSAGE) date!: string;
  @IsIn(['holiday', 'workday']) kind!: 'holiday' | 'workday';
  /** The holiday it belongs to (春节, 国庆节 …). */
  @IsString() @Matches(/^\S.{0,31}$/u, { message: 'name 为 1–32 个字符 (1–32 characters)' }) name!: string;
}
