import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsString, Length, ValidateNested } from 'class-validator';
import { CalendarDayEntry } from '@gmp/contracts';

/** Body of PUT /internal/v1/calendar/years/:year — the whole arrangement of one year, as the State Council's notice gives it. */
export class PublishCalendarYearBody {
  /** The notice it comes from (e.g. 国务院办公厅关于2027年部分节假日安排的通知). */
  @IsString() @Length(2, 128) source!: string;
  /** Every holiday (放假) and make-up working day (调休上班) of the year; other days follow the weekday rule. */
  @IsArray() @ArrayMaxSize(120) @ValidateNested({ each: true }) @Type(() => CalendarDayEntry) days!: CalendarDayEntry[];
}

/** A year of the calendar as stored. */
export interface CalendarYearView {
  year: number;
  revision: number;
  source: string;
  publishedBy: string;
  publishedAt: string;
  days: CalendarDayEntry[];
}
