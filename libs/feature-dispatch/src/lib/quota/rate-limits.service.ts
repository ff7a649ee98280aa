import { Injectable } from '@nestjs/common';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { type ProblemException } from '@gmp/service-kit';
import { DispatchRedis } from '../shared/redis.provider.js';
import { QuotaProblem } from './quota.problems.js';
import { DispatchConfig } from '../dispatch.config.js';

/** Limits of an app, or of an app × capability; null = not limited at that level. */
export interface Limits {
  ratePerSecond: number | null;
  quotaPerDay: number | null;
}

const DAY_SECONDS = 86_400;

/**
 * Rate limits (per second) and quotas (per calendar day, Asia/Shanghai) per app and per app ×
 * capability, shared by every dispatch instance through Redis (rate-limiter-flexible), with an
 * in-process limiter as insurance while Redis is down; in the process only without REDIS_URL.
 * Refusals are 429 with Retry-After.
 */
@Injectable()
export class RateLimitsService {
  private readonly limiters = new Map<string, RateLimiterAbstract>();
  /**
   * Rate keys Redis has refused for the rest of their current window (and the limit it was
   * refused at): the calls after the first refusal are refused here, without a Redis round trip —
   * an app far over its limit costs dispatch and Redis little (issue 12, bench:dispatch-fairness).
   */
  private readonly blockedUntil = new Map<string, { until: number; limit: number }>();

  constructor(
    private readonly redis: DispatchRedis,
    private readonly config: DispatchConfig,
  ) {}

  /** The app's own limits with the platform's defaults filled in. */
  appLimits(own: Partial<Limits> | undefined): Limits {
    const rate = own?.ratePerSecond ?? (this.config.DISPATCH_RATE_PER_SECOND || null);
    const quota = own?.quotaPerDay ?? (this.config.DISPATCH_QUOTA_PER_DAY || null);
    return { ratePerSecond: rate, quotaPerDay: quota };
  }

  /** Throws 429 when a rate this call needs was refused by the shared counter for the rest of its window; takes nothing. */
  refuseIfBlocked(appKey: string, capabilityCode: string, app: Limits, grant: Limits): void {
    const now = Date.now();
    for (const [scope, limit, key] of [
      ['app', app.ratePerSecond, appKey],
      ['grant', grant.ratePerSecond, `${appKey}|${capabilityCode}`],
    ] as const) {
      const blocked = limit ? this.blockedUntil.get(`${scope}|${key}`) : undefined;
      if (blocked && blocked.until > now && blocked.limit === limit)
        throw refusal(scope, 'rate', limit!, Math.max(1, Math.ceil((blocked.until - now) / 1000)), capabilityCode);
    }
  }

  /** Takes one call from every applicable budget, or throws 429 (a refused call does not use up a day's quota). */
  async consume(appKey: string, capabilityCode: string, app: Limits, grant: Limits): Promise<void> {
    const day = shanghaiDate(new Date());
    const checks: { scope: 'app' | 'grant'; kind: 'rate' | 'quota'; limit: number; key: string }[] = [];
    if (app.ratePerSecond) checks.push({ scope: 'app', kind: 'rate', limit: app.ratePerSecond, key: appKey });
    if (grant.ratePerSecond) checks.push({ scope: 'grant', kind: 'rate', limit: grant.ratePerSecond, key: `${appKey}|${capabilityCode}` });
    if (app.quotaPerDay) checks.push({ scope: 'app', kind: 'quota', limit: app.quotaPerDay, key: `${appKey}|${day}` });
    if (grant.quotaPerDay)
      checks.push({ scope: 'grant', kind: 'quota', limit: grant.quotaPerDay, key: `${appKey}|${capabilityCode}|${day}` });
    const taken: { limiter: RateLimiterAbstract; key: string }[] = [];
    for (const check of checks) {
      if (check.kind === 'rate') {
        const blocked = this.blockedUntil.get(`${check.scope}|${check.key}`);
        const now = Date.now();
        if (blocked && blocked.until > now && blocked.limit === check.limit) {
          for (const t of taken) await t.limiter.reward(t.key).catch(() => undefined);
          throw refusal(check.scope, check.kind, check.limit, Math.max(1, Math.ceil((blocked.until - now) / 1000)), capabilityCode);
        }
      }
      const limiter = this.limiter(check.kind);
      // One counter per key whatever the limit: changing a limit keeps what was counted today.
      const res = await limiter.consume(check.key).catch((err: unknown) => {
        if (err instanceof RateLimiterRes) return err;
        throw err;
      });
      if (res.consumedPoints <= check.limit) {
        if (check.kind === 'quota') taken.push({ limiter, key: check.key });
        continue;
      }
      // Refused: a refused call does not use up a day's quota (at this level or the ones before).
      if (check.kind === 'quota') taken.push({ limiter, key: check.key });
      if (check.kind === 'rate' && res.msBeforeNext > 0) {
        if (this.blockedUntil.size >= 10_000) this.blockedUntil.clear();
        this.blockedUntil.set(`${check.scope}|${check.key}`, { until: Date.now() + res.msBeforeNext, limit: check.limit });
      }
      for (const t of taken) await t.limiter.reward(t.key).catch(() => undefined);
      throw refusal(
        check.scope,
        check.kind,
        check.limit,
        check.kind === 'quota' ? secondsToShanghaiMidnight(new Date()) : Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
        capabilityCode,
      );
    }
  }

  private limiter(kind: 'rate' | 'quota'): RateLimiterAbstract {
    let limiter = this.limiters.get(kind);
    if (!limiter) {
      const duration = kind === 'rate' ? 1 : 2 * DAY_SECONDS; // quota keys carry the date; they expire after it
      const keyPrefix = `gmp:rl:${kind}`;
      const points = Number.MAX_SAFE_INTEGER; // decisions compare the count with each key's own limit
      const memory = new RateLimiterMemory({ points, duration, keyPrefix });
      limiter = this.redis.client
        ? new RateLimiterRedis({
            storeClient: this.redis.client,
            points,
            duration,
            keyPrefix,
            insuranceLimiter: memory,
            rejectIfRedisNotReady: true,
          })
        : memory;
      this.limiters.set(kind, limiter);
    }
    return limiter;
  }
}

function refusal(scope: 'app' | 'grant', kind: 'rate' | 'quota', limit: number, retryAfter: number, capability: string): ProblemException {
  const what = scope === 'app' ? '本应用' : `本应用对 ${capability}`;
  const e =
    kind === 'rate'
      ? QuotaProblem.RATE_LIMITED(
          `${what}每秒最多 ${limit} 次 (at most ${limit} calls a second${scope === 'grant' ? ` to ${capability}` : ''})`,
        )
      : QuotaProblem.QUOTA_EXCEEDED(
          `${what}每日最多 ${limit} 次，北京时间零点重置 (at most ${limit} calls a day${scope === 'grant' ? ` to ${capability}` : ''}; resets at midnight Beijing time)`,
        );
  return e.withHeaders({ 'Retry-After': String(retryAfter) });
}

/** YYYY-MM-DD in Asia/Shanghai (UTC+8, no daylight saving). */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

function secondsToShanghaiMidnight(at: Date): number {
  const local = at.getTime() + 8 * 3_600_000;
  return Math.max(1, Math.ceil((DAY_SECONDS * 1000 - (local % (DAY_SECONDS * 1000))) / 1000));
}
