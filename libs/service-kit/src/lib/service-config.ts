import { plainToInstance, Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsString, Length, Matches, Max, Min, MinLength, ValidateIf, validateSync } from 'class-validator';

const toBool = ({ value }: { value: unknown }) =>
  value === undefined || typeof value === 'boolean'
    ? value
    : ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase())
      ? true
      : ['0', 'false', 'no', 'off'].includes(String(value).toLowerCase())
        ? false
        : value;

/**
 * Environment of one service, validated once at start. Every variable is documented in the
 * app's `.env.example`; a missing or bad one stops the process with a message naming it.
 */
export class ServiceConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT!: number;

  @IsString()
  HOST = '0.0.0.0';

  /** postgres://user:password@host:port/database — PostgreSQL or a PG-compatible database. */
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL 必须是 postgres:// 连接串 (must be a postgres:// URL)' })
  DATABASE_URL!: string;

  /** Overrides the schema the service owns (e.g. several deployments in one database). */
  @ValidateIf((c: ServiceConfig) => c.DB_SCHEMA !== undefined)
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'DB_SCHEMA 必须是小写标识符 (must be a lower-case identifier)' })
  DB_SCHEMA?: string;

  /** Node module used as the PostgreSQL driver (e.g. a fork for openGauss / GaussDB). */
  @IsString()
  DB_DRIVER = 'pg';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  DB_POOL_SIZE = 10;

  /** Hot statements as named prepared statements per connection (off where connections share one session, as standalone's embedded store does). */
  @Transform(toBool)
  @IsBoolean()
  DB_NAMED_STATEMENTS = true;

  @Transform(toBool)
  @IsBoolean()
  DB_MIGRATE_ON_START = true;

  @IsIn(['kafka', 'inprocess'])
  TRANSPORT: 'kafka' | 'inprocess' = 'kafka';

  /** Comma-separated host:port list. */
  @ValidateIf((c: ServiceConfig) => c.TRANSPORT === 'kafka')
  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'KAFKA_BROKERS 必须是 host:port[,host:port] (must be host:port[,host:port])' })
  KAFKA_BROKERS = '';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  KAFKA_PARTITIONS = 6;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10)
  KAFKA_REPLICATION_FACTOR = 1;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  KAFKA_CONSUMER_CONCURRENCY = 6;

  /** A fetch answers once this many bytes are there or KAFKA_FETCH_MAX_WAIT_MS has passed (1 = at once). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1048576)
  KAFKA_FETCH_MIN_BYTES = 1;

  /**
   * Longest a fetch waits for KAFKA_FETCH_MIN_BYTES (ms): a long poll — with minBytes 1 the broker
   * answers as soon as a record arrives, so the wait costs no latency; it only sets how often an
   * idle consumer asks again (bench:dispatch "one call at a time", bench:idle).
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5000)
  KAFKA_FETCH_MAX_WAIT_MS = 1000;

  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(60000)
  OUTBOX_POLL_MS = 500;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  OUTBOX_LEASE_SECONDS = 30;

  /**
   * A woken outbox relay waits this long for more events before claiming a batch (ms; 0 = at
   * once). Events are audit and index updates nobody waits on: 50 ms lets the events of ~25 calls
   * share one claim, one produce, one fetch and one delete under load (bench:dispatch: broker
   * CPU per call 1.19 → 0.57 ms, 338 → 537 calls/s against 5 ms, docs/benchmarks.md).
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1000)
  OUTBOX_LINGER_MS = 50;

  /** Readiness turns red when the outbox relay has kept failing this long (events are not reaching the broker). */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  OUTBOX_UNHEALTHY_AFTER_MS = 10_000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' = 'info';

  /** Loads demo data (licence types, synthetic citizens and companies, a demo app) when empty. */
  @Transform(toBool)
  @IsBoolean()
  SEED_DEMO = false;

  /** Key of the HMAC that pseudonymises data subjects in events and audit (same on every service). */
  @IsString()
  @MinLength(16, { message: 'SUBJECT_KEY_SECRET 至少 16 个字符 (at least 16 characters)' })
  SUBJECT_KEY_SECRET!: string;

  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(100 * 1024 * 1024)
  HTTP_BODY_LIMIT = 1024 * 1024;

  /**
   * Deepest nesting of objects and arrays in a JSON request body (`{}` is 1 level); deeper
   * bodies get 400 BODY_TOO_DEEP. At most 100, so that what dispatch forwards stays within the
   * messages' own limit (MESSAGE_MAX_DEPTH, 128).
   */
  @Type(() => Number)
  @IsInt()
  @Min(8)
  @Max(100)
  HTTP_JSON_MAX_DEPTH = 64;

  /**
   * Shared token for the services' internal HTTP APIs (header X-Internal-Token), until they
   * are guarded by the identity service's tokens. Unset: internal APIs answer 403.
   */
  @ValidateIf((c: ServiceConfig) => c.INTERNAL_API_TOKEN !== undefined)
  @IsString()
  @MinLength(16, { message: 'INTERNAL_API_TOKEN 至少 16 个字符 (at least 16 characters)' })
  INTERNAL_API_TOKEN?: string;

  /**
   * Issuer URL of the platform's OpenID provider (served by tech-capabilities at /oidc).
   * Default: http://127.0.0.1:<PORT>/oidc on tech-capabilities.
   */
  @ValidateIf((c: ServiceConfig) => c.REDIS_URL !== undefined)
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL 须为 redis:// 或 rediss:// URL (must be a redis(s) URL)' })
  /**
   * Redis shared by the instances of service-dispatch (replayed signatures, rate limits and
   * quotas across instances). Unset: kept in the process (one instance, e.g. standalone mode).
   */
  REDIS_URL?: string;

  /** Dispatch: a provider's circuit opens when at least this many calls in 10 s … */
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

  /** Dispatch: how long an open circuit refuses calls before one trial call (ms). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  DISPATCH_BREAKER_RESET_MS = 10_000;

  /** Dispatch: first wait before a failed callback is tried again (ms); each next wait is 4× longer, 6 attempts in all. */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(3_600_000)
  DISPATCH_CALLBACK_BACKOFF_MS = 5_000;

  /** Dispatch, interface proxy: upstream hosts that may be registered (comma-separated; unset = any host outside the forbidden ranges). */
  @ValidateIf((c: ServiceConfig) => c.PROXY_ALLOWED_HOSTS !== undefined)
  @IsString()
  PROXY_ALLOWED_HOSTS?: string;

  /** Dispatch, interface proxy: allow upstreams on internal addresses (10/8, 172.16/12, 192.168/16, loopback); link-local and metadata addresses never. */
  @Transform(toBool)
  @IsBoolean()
  PROXY_ALLOW_PRIVATE = false;

  /** Dispatch: days the call audit is kept (at least 180; the database refuses to delete younger entries). */
  @Type(() => Number)
  @IsInt()
  @Min(180)
  @Max(36_500)
  AUDIT_RETENTION_DAYS = 180;

  /** Dispatch: calls a second an app may make unless its own limit says otherwise (0 = no limit). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  DISPATCH_RATE_PER_SECOND = 100;

  /** Dispatch: calls a day (Beijing time) an app may make unless its own quota says otherwise (0 = no quota). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  DISPATCH_QUOTA_PER_DAY = 0;

  @ValidateIf((c: ServiceConfig) => c.OIDC_ISSUER !== undefined)
  @Matches(/^https?:\/\/[^\s]+\/oidc$/, { message: 'OIDC_ISSUER 必须是以 /oidc 结尾的 URL (must be a URL ending in /oidc)' })
  OIDC_ISSUER?: string;

  /** Key of the OpenID provider's signed cookies (tech-capabilities; ≥ 32 characters). */
  @ValidateIf((c: ServiceConfig) => c.OIDC_COOKIE_SECRET !== undefined)
  @IsString()
  @MinLength(32, { message: 'OIDC_COOKIE_SECRET 至少 32 个字符 (at least 32 characters)' })
  OIDC_COOKIE_SECRET?: string;

  /**
   * Which reverse proxies to trust for the client address (X-Forwarded-For), as Fastify's
   * trustProxy: unset = none (the socket's address), a hop count, or a comma-separated list
   * of addresses/CIDRs. Login throttling per address depends on it behind a proxy.
   */
  @ValidateIf((c: ServiceConfig) => c.TRUST_PROXY !== undefined)
  @Matches(/^(\d{1,2}|[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*)$/, {
    message: 'TRUST_PROXY 须为跳数或逗号分隔的地址/网段 (a hop count or comma-separated addresses/CIDRs)',
  })
  TRUST_PROXY?: string;

  /**
   * Face-match provider (人脸核验) for level-4 logins (tech-capabilities): an HTTPS endpoint that
   * takes { idNumber, name, evidence } and answers { matched, score }. Unset: level 4 is off.
   */
  @ValidateIf((c: ServiceConfig) => c.FACE_MATCH_URL !== undefined)
  @Matches(/^https?:\/\/\S+$/, { message: 'FACE_MATCH_URL 须为 http(s) URL (must be an http(s) URL)' })
  FACE_MATCH_URL?: string;

  /** Least face-match score (0–1) accepted for level 4. */
  @Type(() => Number)
  @Min(0)
  @Max(1)
  FACE_MATCH_MIN_SCORE = 0.8;

  /**
   * Master key of the software crypto provider (≥ 32 bytes as base64 or hex): every SM4 / HMAC-SM3
   * key and the SM2 key-wrapping key are derived from it. Required in production; in development
   * a key derived from SUBJECT_KEY_SECRET is used, with a warning.
   */
  @ValidateIf((c: ServiceConfig) => c.CRYPTO_MASTER_KEY !== undefined)
  @Matches(/^([0-9a-fA-F]{64,}|[A-Za-z0-9+/]{43,}={0,2})$/, {
    message: 'CRYPTO_MASTER_KEY 须为至少 32 字节的 hex 或 base64 (at least 32 bytes, hex or base64)',
  })
  CRYPTO_MASTER_KEY?: string;

  /** SMS gateway (tech-capabilities notifications): POST JSON { id, to, template, params, text }. Unset: SMS go to the log. */
  @ValidateIf((c: ServiceConfig) => c.NOTIFY_SMS_URL !== undefined)
  @Matches(/^https?:\/\/\S+$/, { message: 'NOTIFY_SMS_URL 须为 http(s) URL (must be an http(s) URL)' })
  NOTIFY_SMS_URL?: string;

  /** SMTP server for e-mail notifications, e.g. smtps://user:pass@mail.example.gov.cn:465. Unset: e-mails go to the log. */
  @ValidateIf((c: ServiceConfig) => c.NOTIFY_SMTP_URL !== undefined)
  @Matches(/^smtps?:\/\/\S+$/, { message: 'NOTIFY_SMTP_URL 须为 smtp:// 或 smtps:// URL (must be an smtp(s) URL)' })
  NOTIFY_SMTP_URL?: string;

  @IsString()
  @Length(3, 128)
  NOTIFY_EMAIL_FROM = '政务中台 <noreply@gov-mp.local>';

  /** Delivery attempts before a notification is marked failed; retries back off from NOTIFY_RETRY_BASE_MS (doubling, at most 10 minutes). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  NOTIFY_MAX_ATTEMPTS = 8;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  NOTIFY_RETRY_BASE_MS = 5000;

  /** Largest file the file store accepts (tech-capabilities; bytes). */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(1024 * 1024 * 1024)
  FILE_MAX_BYTES = 20 * 1024 * 1024;

  /** Where file contents live: `pg` (the service's database) or a directory path on disk. */
  @IsString()
  @MinLength(2)
  FILE_STORE = 'pg';

  /** Malware scanner hook: POST the bytes, answer { clean: boolean, signature? }. Unset: files are not scanned (status `unscanned`). */
  @ValidateIf((c: ServiceConfig) => c.FILE_SCAN_URL !== undefined)
  @Matches(/^https?:\/\/\S+$/, { message: 'FILE_SCAN_URL 须为 http(s) URL (must be an http(s) URL)' })
  FILE_SCAN_URL?: string;

  /** Font for rendered e-licence PDFs (an OpenType/TrueType file with CJK glyphs). Unset: Noto Sans Hans from @embedpdf/fonts-sc. Checked at start. */
  @ValidateIf((c: ServiceConfig) => c.LICENCE_FONT_PATH !== undefined)
  @IsString()
  @MinLength(2)
  LICENCE_FONT_PATH?: string;

  /** Secret of the demo app registered by SEED_DEMO (service-dispatch). */
  @IsString()
  @MinLength(8)
  DEMO_APP_SECRET = 'demo-portal-secret';
}

/** Values of the examples and defaults that must never reach production. */
const PLACEHOLDER = /^(dev-only|test-only)|change-me/i;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`配置无效 (invalid configuration):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads and validates the environment; defaults are the service's own (e.g. its port). */
export function loadServiceConfig(
  env: Record<string, string | undefined>,
  defaults: Partial<Record<keyof ServiceConfig, unknown>> = {},
): ServiceConfig {
  const raw: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') raw[k] = v;
  const config = plainToInstance(ServiceConfig, raw, { excludeExtraneousValues: false });
  const errors = validateSync(config, { whitelist: true, forbidUnknownValues: false, validationError: { target: false } });
  if (errors.length > 0) {
    throw new ConfigError(
      errors.map((e) => {
        const given =
          e.value === undefined ? '未设置 (not set)' : `= ${JSON.stringify(String(e.property).includes('SECRET') ? '***' : e.value)}`;
        return `${e.property} ${given}: ${Object.values(e.constraints ?? {}).join('; ')}`;
      }),
    );
  }
  if (config.NODE_ENV === 'production' && config.SEED_DEMO) {
    throw new ConfigError([
      'SEED_DEMO: 生产环境不得载入演示数据（含演示账号和口令）(demo data with known accounts and secrets must not be loaded in production)',
    ]);
  }
  if (config.NODE_ENV === 'production') {
    const problems = (['SUBJECT_KEY_SECRET', 'INTERNAL_API_TOKEN', 'OIDC_COOKIE_SECRET'] as const)
      .filter((k) => config[k] !== undefined && PLACEHOLDER.test(config[k]!))
      .map((k) => `${k}: 生产环境不得使用示例或开发值 (an example or development value must not be used in production)`);
    if (!config.CRYPTO_MASTER_KEY)
      problems.push('CRYPTO_MASTER_KEY: 生产环境必须设置加密主密钥 (the crypto master key is required in production)');
    if (problems.length > 0) throw new ConfigError(problems);
  }
  return config;
}

export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
