import { createRequire } from 'node:module';
import { kafkaClientConfig } from './kafka-config.js';
import { KAFKAJS_VERSION } from './kafkajs-idle.fix.js';

const require = createRequire(import.meta.url);
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as new (o: object) => {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  scheduleCheckPendingRequests(): void;
  destroy(): void;
};

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, namespace: () => quiet };

/** The fix is applied wherever the platform configures kafkajs (kafka-config imports it). */
describe('kafkajs idle timer fix', () => {
  const queue = () =>
    new RequestQueue({
      maxInFlightRequests: 1,
      requestTimeout: 1000,
      enforceRequestTimeout: false,
      clientId: 'test',
      broker: '127.0.0.1:1',
      logger: quiet,
    });

  it('is written for the kafkajs version installed (review it when kafkajs changes)', () => {
    expect(typeof kafkaClientConfig).toBe('function');
    expect(KAFKAJS_VERSION).toBe('2.2.4');
  });

  it('arms no timer when no request waits and nothing throttles (upstream re-arms one every millisecond)', () => {
    const q = queue();
    q.scheduleCheckPendingRequests();
    expect(q.throttleCheckTimeoutId).toBeNull();
    q.destroy();
  });

  it('still checks waiting requests, and waits out a throttle the broker asked for', () => {
    const waiting = queue();
    waiting.pending.push({});
    waiting.scheduleCheckPendingRequests();
    expect(waiting.throttleCheckTimeoutId).not.toBeNull();
    waiting.pending.length = 0;
    waiting.destroy();

    const throttled = queue();
    throttled.throttledUntil = Date.now() + 60_000;
    throttled.scheduleCheckPendingRequests();
    expect(throttled.throttleCheckTimeoutId).not.toBeNull();
    throttled.destroy();
  });
});
