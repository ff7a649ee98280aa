import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CalendarCountReply, CalendarDeadlineReply, Topic, validateMessage } from '@gmp/contracts';
import { dateOf, dayNumber, WorkingDayCalendar } from '@gmp/gov-standards';
import { CapabilityClient } from './capability.client.js';
import { MESSAGING_OPTIONS, type MessagingOptions } from './messaging.options.js';

/** How long a service waits for the calendar before counting by the weekday rule alone. */
const CALENDAR_TIMEOUT_MS = 2_000;
const WEEKDAYS_ONLY = new WorkingDayCalendar(new Map(), new Set());
/** How long an answer of the calendar is reused: a change ops publish reaches every service within this. */
const CACHE_MS = 60_000;
const CACHE_MAX = 5_000;

/**
 * Working-day deadlines from the platform's one calendar (工作日历, tech-capabilities'
 * `calendar.deadline` over Kafka: holidays and make-up working days as ops published them), for
 * any service that lists `calendar.deadline` in its requests. When the calendar does not answer,
 * the weekday rule alone gives the day, marked provisional, so an application is never lost for
 * want of a calendar. Answers are reused for a minute (and one question asked once at a time):
 * a case asks the same few deadlines many times, and each question is a Kafka round trip.
 */
@Injectable()
export class WorkingDaysClient {
  private readonly log = new Logger('WorkingDays');
  private readonly answers = new Map<string, { at: number; answer: Promise<{ due: string; provisional: boolean }> }>();

  constructor(
    private readonly capabilities: CapabilityClient,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  deadline(from: string, workingDays: number): Promise<{ due: string; provisional: boolean }> {
    const key = `${from}:${workingDays}`;
    const now = Date.now();
    const kept = this.answers.get(key);
    if (kept && now - kept.at < CACHE_MS) return kept.answer;
    if (this.answers.size >= CACHE_MAX) this.answers.clear();
    const answer = this.ask(from, workingDays);
    this.answers.set(key, { at: now, answer });
    // A provisional answer (the calendar did not answer) is not kept: the next question asks again.
    void answer.then((a) => a.provisional && this.answers.get(key)?.answer === answer && this.answers.delete(key));
    return answer;
  }

  /**
   * Working days in (from, to] — e.g. how long a paused clock stood still. Not cached (asked
   * rarely); the weekday rule, provisional, when the calendar does not answer. Needs
   * `calendar.count` in the service's requests.
   */
  async count(from: string, to: string): Promise<{ workingDays: number; provisional: boolean }> {
    try {
      const reply = validateMessage(
        CalendarCountReply,
        await this.capabilities.request(Topic.CalendarCount, null, this.request({ from, to }), CALENDAR_TIMEOUT_MS),
      );
      if (reply.ok) return { workingDays: reply.value.workingDays, provisional: reply.value.provisional };
      this.log.warn(`工作日历应答不合规 (bad calendar answer): ${JSON.stringify(reply.errors)}`);
    } catch (err) {
      this.log.warn(
        `工作日历不可用，按周末规则计数并标记为暂定 (calendar unavailable: weekday rule, provisional): ${(err as Error).message}`,
      );
    }
    return { workingDays: WEEKDAYS_ONLY.count(dayNumber(from)!, dayNumber(to)!).workingDays, provisional: true };
  }

  private request<T>(input: T) {
    return {
      meta: { messageId: randomUUID(), correlationId: randomUUID(), app: this.options.service, sentAt: new Date().toISOString() },
      input,
    };
  }

  private async ask(from: string, workingDays: number): Promise<{ due: string; provisional: boolean }> {
    const request = this.request({ from, workingDays });
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
