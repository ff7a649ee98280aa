import type { DispatchConfig } from '../dispatch.config.js';
import type { DispatchRedis } from '../shared/redis.provider.js';
import { RateLimitsService } from './rate-limits.service.js';

/** The local block after a refusal (the Redis path itself is covered by dispatch-quotas.integration-spec). */
describe('RateLimits local block', () => {
  function limits() {
    const rl = new RateLimitsService(
      { client: null } as unknown as DispatchRedis,
      { DISPATCH_RATE_PER_SECOND: 0, DISPATCH_QUOTA_PER_DAY: 0 } as unknown as DispatchConfig,
    );
    const counts = new Map<string, number>();
    let consumed = 0;
    // The shared counter as Redis would keep it: one window of 800 ms left.
    (rl as unknown as { limiters: Map<string, unknown> }).limiters.set('rate', {
      consume: async (key: string) => {
        consumed++;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        return { consumedPoints: counts.get(key)!, msBeforeNext: 800 };
      },
      reward: async () => undefined,
    });
    return { rl, consumed: () => consumed };
  }
  const none = { ratePerSecond: null, quotaPerDay: null };

  it('refuses the rest of the window without asking the shared counter again, with Retry-After', async () => {
    const { rl, consumed } = limits();
    await rl.consume('app', 'cap', { ratePerSecond: 2, quotaPerDay: null }, none);
    await rl.consume('app', 'cap', { ratePerSecond: 2, quotaPerDay: null }, none);
    await expect(rl.consume('app', 'cap', { ratePerSecond: 2, quotaPerDay: null }, none)).rejects.toMatchObject({ status: 429 });
    expect(consumed()).toBe(3);
    for (let i = 0; i < 50; i++) {
      const err = await rl.consume('app', 'cap', { ratePerSecond: 2, quotaPerDay: null }, none).catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 429, headers: { 'Retry-After': '1' } });
    }
    expect(consumed()).toBe(3);
  });

  it('asks again when the limit changed, and never blocks another app', async () => {
    const { rl, consumed } = limits();
    for (let i = 0; i < 3; i++) await rl.consume('app', 'cap', { ratePerSecond: 2, quotaPerDay: null }, none).catch(() => undefined);
    await rl.consume('other', 'cap', { ratePerSecond: 2, quotaPerDay: null }, none);
    expect(consumed()).toBe(4);
    await rl.consume('app', 'cap', { ratePerSecond: 100, quotaPerDay: null }, none);
    expect(consumed()).toBe(5);
  });

  it('refuses early, before the input is checked, only while a rate is blocked', async () => {
    const { rl, consumed } = limits();
    const app = { ratePerSecond: 2, quotaPerDay: null };
    expect(() => rl.refuseIfBlocked('app', 'cap', app, none)).not.toThrow();
    for (let i = 0; i < 3; i++) await rl.consume('app', 'cap', app, none).catch(() => undefined);
    expect(() => rl.refuseIfBlocked('app', 'cap', app, none)).toThrow(expect.objectContaining({ status: 429 }));
    expect(() => rl.refuseIfBlocked('other', 'cap', app, none)).not.toThrow();
    expect(consumed()).toBe(3);
  });
});
