import { Injectable } from '@nestjs/common';
import type { CalendarCountInput, CalendarCountReply } from '@gmp/contracts';
import { CalendarStoreService, dayOf } from '../../calendar-store.service.js';
import { CalendarProblem } from '../../calendar.problems.js';

/** 工作日计数: the working days after `from` up to and including `to` (how long a case has taken, whether it is overdue). */
@Injectable()
export class CountWorkingDays {
  constructor(private readonly store: CalendarStoreService) {}

  async execute(command: CalendarCountInput): Promise<CalendarCountReply> {
    const from = dayOf('from', command.from);
    const to = dayOf('to', command.to);
    const calendar = await this.store.calendar();
    let result: { workingDays: number; unpublishedYears: number[] };
    try {
      result = calendar.count(from, to);
    } catch {
      throw CalendarProblem.SPAN_TOO_LONG(`${command.from} – ${command.to}`);
    }
    return { ...result, provisional: result.unpublishedYears.length > 0 };
  }
}
