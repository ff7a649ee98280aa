import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CalendarDeadlineReply, Topic, validateMessage } from '@gmp/contracts';
import { dateOf, dayNumber, WorkingDayCalendar } from '@gmp/gov-standards';
import { CapabilityClient } from './capability.client.js';
import { MESSAGING_OPTIONS, type MessagingOptions } from './messaging.options.js';

/** How long a service waits for the calendar before counting by the weekday rule alone. */
const CALENDAR_TIMEOUT_MS = 2_000;
const WEEKDAYS_ONLY = new WorkingDayCalendar(new Map(), new Set());

/**
 * Working-day deadlines from the platform's one calendar (工作日历, tech-capabilities'
 * `calendar.deadline` over Kafka: holidays and make-up working days as ops published them), for
 * any service that lists `calendar.deadline` in its requests. When the calendar does not answer,
 * the weekday rule alone gives the day, marked provisional, so an application is never lost for
 * want of a calendar.
 */
@Injectable()
export class WorkingDaysClient {
  private readonly log = new Logger('WorkingDays');

  constructor(
    private readonly capabilities: CapabilityClient,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  async deadline(from: string, workingDays: number): Promise<{ due: string; provisional: boolean }> {
    const request = {
      meta: { messageId: randomUUID(), correlationId: randomUUID(), app: this.options.service, sentAt: new Date().toISOString() },
      input: { from, workingDays },
    };
    try {
      const reply = validateMessage(
        CalendarDeadlineReply,
        await this.capabilities.request(Topic.CalendarDeadline, null, request, CALENDAR_TIMEOUT_MS),
      );
      if (reply.ok) return { due: reply.value.due, provisional: reply.value.provisional };
      this.log.warn(`工作日历应答不合规 (bad calendar answer): ${JSON.stringify(reply.errors)}`);
    } catch (err) {
      this.log.warn(
        `工作日历不可用，按周末规则计算并标记为暂定 (calendar unavailable: weekday rule, provisional): ${(err as Error).message}`,
      );
    }
    return { due: dateOf(WEEKDAYS_ONLY.deadline(dayNumber(from)!, workingDays).due), provisional: true };
  }
}
