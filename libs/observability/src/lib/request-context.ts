import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** Who and why of the call being handled, available anywhere below the HTTP or Kafka entry. */
export interface RequestContext {
  correlationId: string;
  app?: string;
  endUser?: string;
  purpose?: string;
  caseId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Sets fields on the current context (e.g. the app once credentials are checked). */
export function enrichContext(fields: Partial<RequestContext>): void {
  const store = storage.getStore();
  if (store) Object.assign(store, fields);
}

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Accepts a caller's correlation id when well-formed; otherwise starts a new one. */
export function correlationIdFrom(candidate: unknown): string {
  return typeof candidate === 'string' && CORRELATION_ID.test(candidate) ? candidate : randomUUID();
}
