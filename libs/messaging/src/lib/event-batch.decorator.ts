import { EventPattern } from '@nestjs/microservices';

/** The handler extra that marks a batch handler (see EventBatchPattern). */
export const EVENT_BATCH = 'gmpEventBatch';

/**
 * Like `@EventPattern(topic)`, but the handler receives every valid event of one fetched batch
 * at once (`@Payload() events: T[]`, in offset order) — one transaction for hundreds of records
 * instead of one each. Its effects must be idempotent per event (a redelivered batch is handled
 * again). Invalid records are dead-lettered before the call, as for one-by-one handlers; if the
 * batch keeps failing for a reason that is not transient, its events are retried one by one, so
 * only the offending one is dead-lettered. In standalone mode (in-process) each call has one event.
 */
export const EventBatchPattern = (topic: string): MethodDecorator => EventPattern<string>(topic, { [EVENT_BATCH]: true });

export function isBatchHandler(handler: { extras?: Record<string, unknown> } | undefined): boolean {
  return handler?.extras?.[EVENT_BATCH] === true;
}
