import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4 (its last release, 2023) re-arms a timer on every connection even when no
 * request waits: `scheduleCheckPendingRequests` computes `throttledUntil - now` with
 * `throttledUntil = -1`, a large negative delay that Node turns into 1 ms, and the check it
 * runs schedules itself again. Each open connection thus wakes its process about a thousand
 * times a second — most of an idle service's CPU (bench:idle, docs/benchmarks.md) — and Node 24
 * prints a TimeoutNegativeWarning for it. Reported upstream as tulios/kafkajs#1556, #1704 and
 * #1751 (fixes proposed, none released).
 *
 * Here the check is scheduled only when it has something to do: requests are waiting, or the
 * broker asked us to hold off until a time still ahead. When nothing waits, the next request
 * is sent at once by `push`, or queued and scheduled then, so nothing is lost.
 */
interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  scheduleCheckPendingRequests(): void;
}

const require = createRequire(import.meta.url);
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueueInternals & { __gmpIdleFix?: true } };

export const KAFKAJS_VERSION: string = (require('kafkajs/package.json') as { version: string }).version;

export function applyKafkajsIdleFix(): void {
  const proto = RequestQueue.prototype;
  if (proto.__gmpIdleFix) return;
  const schedule = proto.scheduleCheckPendingRequests;
  if (typeof schedule !== 'function')
    throw new Error(
      `kafkajs ${KAFKAJS_VERSION}: RequestQueue.scheduleCheckPendingRequests not found — review libs/messaging/src/lib/kafkajs-idle.fix.ts`,
    );
  proto.scheduleCheckPendingRequests = function (this: RequestQueueInternals) {
    if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    schedule.call(this);
  };
  proto.__gmpIdleFix = true;
}

applyKafkajsIdleFix();
