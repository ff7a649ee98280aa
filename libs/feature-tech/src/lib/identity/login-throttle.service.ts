import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { DataSource } from 'typeorm';
import { subjectKeyOf } from '@gmp/contracts';
import { SERVICE_CONFIG, type ServiceConfig } from '@gmp/service-kit';

/** Failed logins allowed per account name (known or not) before it is refused for LOCK_MINUTES. */
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;
/** Failed logins allowed from one client address in LOCK_MINUTES (all account names together). */
export const MAX_FAILURES_PER_ADDRESS = 30;
/** SMS login codes one account name may get per day (and one a minute). */
export const SMS_CODES_PER_DAY = 10;

/**
 * Brute-force brakes shared by every instance (PostgreSQL, rate-limiter-flexible):
 * - per client address: after 30 failures in 15 minutes the address is refused (429), so one
 *   source cannot lock many accounts or guess across them;
 * - per unknown account name: the same 5-failure lock as a real account, so the answers do not
 *   tell whether an account exists.
 * Names are kept as keyed hashes (an ID number typed as a name is personal data).
 */
@Injectable()
export class LoginThrottle {
  private readonly byAddress: RateLimiterPostgres;
  private readonly byName: RateLimiterPostgres;
  private readonly smsPerMinute: RateLimiterPostgres;
  private readonly smsPerDay: RateLimiterPostgres;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {
    const common = {
      storeClient: dataSource,
      storeType: 'typeorm',
      tableName: 'login_throttle',
      schemaName: (dataSource.options as { schema?: string }).schema,
      tableCreated: true, // by the migration
      clearExpiredByTimeout: false,
      duration: LOCK_MINUTES * 60,
    };
    this.byAddress = new RateLimiterPostgres({ ...common, keyPrefix: 'addr', points: MAX_FAILURES_PER_ADDRESS });
    this.byName = new RateLimiterPostgres({ ...common, keyPrefix: 'name', points: MAX_FAILED_LOGINS });
    this.smsPerMinute = new RateLimiterPostgres({ ...common, keyPrefix: 'sms1m', points: 1, duration: 60 });
    this.smsPerDay = new RateLimiterPostgres({ ...common, keyPrefix: 'sms1d', points: SMS_CODES_PER_DAY, duration: 86_400 });
  }

  /**
   * Takes one SMS-code send for an account name (known or not, so the answer tells nothing):
   * one a minute, SMS_CODES_PER_DAY a day. Returns the seconds to wait, or 0 when allowed.
   */
  async smsAllowed(name: string): Promise<number> {
    const key = this.nameKey(name);
    for (const limiter of [this.smsPerMinute, this.smsPerDay]) {
      const res = await limiter.get(key);
      if (res && res.consumedPoints >= limiter.points) return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    }
    await consume(this.smsPerMinute, key);
    await consume(this.smsPerDay, key);
    return 0;
  }

  /** Seconds until the address may try again, or 0. */
  async addressRetryAfter(address: string | undefined): Promise<number> {
    if (!address) return 0;
    const res = await this.byAddress.get(address);
    return res && res.consumedPoints >= MAX_FAILURES_PER_ADDRESS ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0;
  }

  async addressFailed(address: string | undefined): Promise<void> {
    if (address) await consume(this.byAddress, address);
  }

  /** When an unknown account name's lock ends, or null if it is not locked. */
  async nameLockedUntil(name: string): Promise<Date | null> {
    const res = await this.byName.get(this.nameKey(name));
    return res && res.consumedPoints >= MAX_FAILED_LOGINS ? new Date(Date.now() + res.msBeforeNext) : null;
  }

  /** Counts a failure for an unknown account name; returns the lock's end once it reaches the limit. */
  async nameFailed(name: string): Promise<Date | null> {
    const res = await consume(this.byName, this.nameKey(name));
    return res.consumedPoints >= MAX_FAILED_LOGINS ? new Date(Date.now() + res.msBeforeNext) : null;
  }

  private nameKey(name: string): string {
    return subjectKeyOf(name.toLowerCase(), this.config.SUBJECT_KEY_SECRET);
  }
}

/** Consumes a point; the library rejects with the counter once the limit is passed, which is still a count. */
async function consume(limiter: RateLimiterPostgres, key: string): Promise<RateLimiterRes> {
  try {
    return await limiter.consume(key);
  } catch (err) {
    if (err instanceof RateLimiterRes) return err;
    throw err;
  }
}
