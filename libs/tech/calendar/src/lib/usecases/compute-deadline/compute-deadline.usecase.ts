import { Injectable } from '@nestjs/common';
import type { CalendarDeadlineInput, CalendarDeadlineReply } from '@gmp/contracts';
import { CalendarStoreService, dayOf } from '../../calendar-store.service.js';
import { CalendarProblem } from '../../calendar.problems.js';
import { dateOf } from '@gmp/gov-standards';

/** 工作日期限: the day a time limit of N working days ends, counted from the day after `from`. */
@Injectable()
export class ComputeDeadline {
  constructor(private readonly store: CalendarStoreService) {}

  async execute(command: CalendarDeadlineInput): Promise<CalendarDeadlineReply> {
    const from = dayOf('from', command.from);
    const calendar = await this.store.calendar();
    let result: { due: number; unpublishedYears: number[] };
    try {
      result = calendar.deadline(from, command.workingDays);
    } catch {
      throw CalendarProblem.SPAN_TOO_LONG(`${command.workingDays} working days from ${command.from}`);
    }
    return {
      due: dateOf(result.due),
      calendarDays: result.due - from,
      provisional: result.unpublishedYears.length > 0,
      unpublishedYears: result.unpublishedYears,
    };
  }
}
