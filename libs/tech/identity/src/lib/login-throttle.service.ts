import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { DataSource } from 'typeorm';
import { subjectKeyOf } from '@gmp/contracts';
import { quoteTablePath, statementPool } from '@gmp/messaging';
import { ServiceConfig } from '@gmp/service-kit';
import { LoginThrottleRow } from './login-throttle.entity.js';

/** Attempts allowed per account name (known or not) in LOCK_MINUTES; the last failure locks it for LOCK_MINUTES. */
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;
/** Failed logins allowed from one client address in LOCK_MINUTES (all account names together). */
export const MAX_FAILURES_PER_ADDRESS = 30;
/** SMS login codes one account name may get per day (and one a minute); one address may ask 20 an hour. */
export const SMS_CODES_PER_DAY = 10;
export const SMS_CODES_PER_ADDRESS_HOUR = 20;

export type AttemptTicket = { kind: 'go'; last: boolean } | { kind: 'locked' } | { kind: 'throttled'; retryAfterSeconds: number };

/**
 * Brute-force brakes shared by every instance (PostgreSQL through rate-limiter-flexible). An
 * attempt is counted **before** its credential is checked, in one atomic statement, so a burst
 * of parallel guesses cannot slip past the count:
 * - per account name — the same counter whether the account exists or not, so no answer tells
 *   which: 5 attempts in 15 minutes; the 5th failure locks the name for 15 minutes; a success
 *   clears it;
 * - per client address: 30 failures in 15 minutes, then 429 for every name.
 * Names are kept as keyed hashes (an ID number typed as a name is personal data).
 */
@Injectable()
export class LoginThrottleService implements OnModuleInit, OnModuleDestroy {
  private readonly byAddress: RateLimiterPostgres;
  private readonly byName: RateLimiterPostgres;
  private readonly smsPerMinute: RateLimiterPostgres;
  private readonly smsPerDay: RateLimiterPostgres;
  private readonly smsPerAddress: RateLimiterPostgres;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ServiceConfig,
  ) {
    const common = {
      // The pool through statementPool: its named statements are dropped where connections share one session (standalone).
      storeClient: statementPool(dataSource),
      storeType: 'pool',
      tableName: 'login_throttle',
      schemaName: (dataSource.options as { schema?: string }).schema,
      tableCreated: true, // by the migration
      clearExpiredByTimeout: false, // swept below
      duration: LOCK_MINUTES * 60,
    };
    this.byAddress = new RateLimiterPostgres({ ...common, keyPrefix: 'addr', points: MAX_FAILURES_PER_ADDRESS });
    this.byName = new RateLimiterPostgres({ ...common, keyPrefix: 'name', points: MAX_FAILED_LOGINS });
    this.smsPerMinute = new RateLimiterPostgres({ ...common, keyPrefix: 'sms1m', points: 1, duration: 60 });
    this.smsPerDay = new RateLimiterPostgres({ ...common, keyPrefix: 'sms1d', points: SMS_CODES_PER_DAY, duration: 86_400 });
    this.smsPerAddress = new RateLimiterPostgres({ ...common, keyPrefix: 'smsip', points: SMS_CODES_PER_ADDRESS_HOUR, duration: 3600 });
  }

  onModuleInit(): void {
    this.sweeper = setInterval(() => void this.sweep().catch(() => undefined), 10 * 60_000);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  /** Deletes counters whose window is over (the table would otherwise grow with every name tried). */
  async sweep(): Promise<void> {
    const table = quoteTablePath(this.dataSource.getRepository(LoginThrottleRow).metadata.tablePath);
    await this.dataSource.query(`DELETE FROM ${table} WHERE expire < $1`, [Date.now()]);
  }

  /** Counts an attempt for the address and the name, before the credential is checked. */
  async begin(name: string, address: string | undefined): Promise<AttemptTicket> {
    if (address) {
      const res = await consume(this.byAddress, address);
      if (res.consumedPoints > MAX_FAILURES_PER_ADDRESS)
        return { kind: 'throttled', retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
    }
    const res = await consume(this.byName, this.nameKey(name));
    if (res.consumedPoints > MAX_FAILED_LOGINS) return { kind: 'locked' };
    return { kind: 'go', last: res.consumedPoints === MAX_FAILED_LOGINS };
  }

  /** The credential was wrong: the last allowed attempt locks the name for LOCK_MINUTES. */
  async failed(name: string, ticket: { last: boolean }): Promise<void> {
    if (ticket.last) await this.byName.block(this.nameKey(name), LOCK_MINUTES * 60);
  }

  /** The credential was right: the name's count starts again, and the address gets its point back. */
  async succeeded(name: string, address: string | undefined): Promise<void> {
    await this.byName.delete(this.nameKey(name));
    if (address) await this.byAddress.reward(address, 1);
  }

  /** Lifts a lock (an administrator reset the password). */
  async unlock(name: string): Promise<void> {
    await this.byName.delete(this.nameKey(name));
  }

  /**
   * Takes one SMS-code send for an account name (known or not) from an address: one a minute
   * and SMS_CODES_PER_DAY a day per name, SMS_CODES_PER_ADDRESS_HOUR an hour per address.
   * Counted first, atomically; returns the seconds to wait, or 0 when allowed.
   */
  async smsBegin(name: string, address: string | undefined): Promise<number> {
    const key = this.nameKey(name);
    const checks: [RateLimiterPostgres, string][] = [
      [this.smsPerMinute, key],
      [this.smsPerDay, key],
      ...(address ? [[this.smsPerAddress, address] as [RateLimiterPostgres, string]] : []),
    ];
    let wait = 0;
    for (const [limiter, k] of checks) {
      const res = await consume(limiter, k);
      if (res.consumedPoints > limiter.points) wait = Math.max(wait, Math.ceil(res.msBeforeNext / 1000), 1);
    }
    return wait;
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
