import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsString, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { envBoolean } from '@gmp/service-kit';

/**
 * service-dispatch's own variables (breakers, callbacks, interface proxy, audit retention,
 * default limits, the Redis its instances share), validated at start with the shared
 * `ServiceConfig`. Documented in apps/service-dispatch/.env.example.
 */
export class DispatchConfig {
  /**
   * Redis shared by the instances of service-dispatch (replayed signatures, rate limits and
   * quotas across instances). Unset: kept in the process (one instance, e.g. standalone mode).
   */
  @ValidateIf((c: DispatchConfig) => c.REDIS_URL !== undefined)
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL 须为 redis:// 或 rediss:// URL (must be a redis(s) URL)' })
  REDIS_URL?: string;

  /** A provider's circuit opens when at least this many calls in 10 s … */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  DISPATCH_BREAKER_VOLUME = 10;

  /** … and this share of them (%) failed or timed out. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  DISPATCH_BREAKER_ERROR_PERCENT = 50;

  /** How long an open circuit refuses calls before one trial call (ms). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  DISPATCH_BREAKER_RESET_MS = 10_000;

  /** First wait before a failed callback is tried again (ms); each next wait is 4× longer, 6 attempts in all. */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(3_600_000)
  DISPATCH_CALLBACK_BACKOFF_MS = 5_000;

  /** Interface proxy: upstream hosts that may be registered (comma-separated; unset = any host outside the forbidden ranges). */
  @ValidateIf((c: DispatchConfig) => c.PROXY_ALLOWED_HOSTS !== undefined)
  @IsString()
  PROXY_ALLOWED_HOSTS?: string;

  /** Interface proxy: allow upstreams on internal addresses (10/8, 172.16/12, 192.168/16, loopback); link-local and metadata addresses never. */
  @Transform(envBoolean)
  @IsBoolean()
  PROXY_ALLOW_PRIVATE = false;

  /** Days the call audit is kept (at least 180; the database refuses to delete younger entries). */
  @Type(() => Number)
  @IsInt()
  @Min(180)
  @Max(36_500)
  AUDIT_RETENTION_DAYS = 180;

  /** Calls a second an app may make unless its own limit says otherwise (0 = no limit). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  DISPATCH_RATE_PER_SECOND = 100;

  /** Calls a day (Beijing time) an app may make unless its own quota says otherwise (0 = no quota). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  DISPATCH_QUOTA_PER_DAY = 0;

  /** Secret of the demo app registered by SEED_DEMO. */
  @IsString()
  @MinLength(8)
  DEMO_APP_SECRET = 'demo-portal-secret';
}
