import { plainToInstance, Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsString, Matches, Max, Min, MinLength, ValidateIf, validateSync } from 'class-validator';

/** `@Transform(envBoolean)`: 1/true/yes/on and 0/false/no/off (any case) as booleans; anything else is left for @IsBoolean to refuse. */
export const envBoolean = ({ value }: { value: unknown }) =>
  value === undefined || typeof value === 'boolean'
    ? value
    : ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase())
      ? true
      : ['0', 'false', 'no', 'off'].includes(String(value).toLowerCase())
        ? false
        : value;

/**
 * What every service reads from its environment: listening, database, transport, outbox,
 * logging, the platform-wide secrets. A capability's own variables are in its own section
 * (`DispatchConfig`, `IdentityConfig`, `NotificationConfig` …, next to its code), listed in
 * the service definition's `config` and validated with this one at start. Every variable is
 * documented in the app's `.env.example`; a missing or bad one stops the process naming it.
 */
export class ServiceConfig implements RefusesInProduction {
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
  @Transform(envBoolean)
  @IsBoolean()
  DB_NAMED_STATEMENTS = true;

  @Transform(envBoolean)
  @IsBoolean()
  DB_MIGRATE_ON_START = true;

  /**
   * How long a starting service waits for its database, its migrations and its broker (readiness
   * red, liveness green meanwhile) before it exits; 0 waits without limit.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86_400)
  STARTUP_WAIT_SECONDS = 0;

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
  @Transform(envBoolean)
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
   * OTLP endpoint the service exports its traces to (e.g. http://otel-collector:4318); unset, it
   * traces nothing. The OpenTelemetry specification's other OTEL_* variables apply as well
   * (OTEL_EXPORTER_OTLP_PROTOCOL, default http/protobuf; OTEL_TRACES_SAMPLER; OTEL_SERVICE_NAME).
   */
  @ValidateIf((c: ServiceConfig) => c.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined)
  @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, { message: 'OTEL_EXPORTER_OTLP_ENDPOINT 必须是 http(s) URL (must be an http(s) URL)' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  /**
   * Issuer URL of the platform's OpenID provider (served by tech-capabilities at /oidc). On
   * tech-capabilities the default is http://127.0.0.1:<PORT>/oidc; on dispatch it turns bearer tokens on.
   */
  @ValidateIf((c: ServiceConfig) => c.OIDC_ISSUER !== undefined)
  @Matches(/^https?:\/\/[^\s]+\/oidc$/, { message: 'OIDC_ISSUER 必须是以 /oidc 结尾的 URL (must be a URL ending in /oidc)' })
  OIDC_ISSUER?: string;

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
   * Master key of the software crypto provider (≥ 32 bytes as base64 or hex): every SM4 / HMAC-SM3
   * key and the SM2 key-wrapping key are derived from it. Required in production; in development
   * a key derived from SUBJECT_KEY_SECRET is used, with a warning.
   */
  @ValidateIf((c: ServiceConfig) => c.CRYPTO_MASTER_KEY !== undefined)
  @Matches(/^([0-9a-fA-F]{64,}|[A-Za-z0-9+/]{43,}={0,2})$/, {
    message: 'CRYPTO_MASTER_KEY 须为至少 32 字节的 hex 或 base64 (at least 32 bytes, hex or base64)',
  })
  CRYPTO_MASTER_KEY?: string;

  refusedInProduction(): string[] {
    const problems: string[] = [];
    if (this.SEED_DEMO)
      problems.push(
        'SEED_DEMO: 生产环境不得载入演示数据（含演示账号和口令）(demo data with known accounts and secrets must not be loaded in production)',
      );
    problems.push(...placeholderSecrets(this, ['SUBJECT_KEY_SECRET', 'INTERNAL_API_TOKEN', 'CRYPTO_MASTER_KEY']));
    if (!this.CRYPTO_MASTER_KEY)
      problems.push('CRYPTO_MASTER_KEY: 生产环境必须设置加密主密钥 (the crypto master key is required in production)');
    return problems;
  }
}

/** Values of the examples and defaults that must never reach production. */
const PLACEHOLDER = /^(dev-only|test-only)|change[-_+]?me/i;

/** The named secrets of a configuration that hold an example or development value. */
export function placeholderSecrets<T extends object>(config: T, keys: (keyof T & string)[]): string[] {
  return keys
    .filter((k) => typeof config[k] === 'string' && PLACEHOLDER.test(config[k] as string))
    .map((k) => `${k}: 生产环境不得使用示例或开发值 (an example or development value must not be used in production)`);
}

/** A configuration class that refuses values in production which development accepts. */
export interface RefusesInProduction {
  /** One message per refused variable, naming it; empty when production may run. */
  refusedInProduction(): string[];
}

/** A capability's own configuration: a class of environment variables with class-validator rules and defaults. */
export type ConfigSection<T extends object = object> = new () => T;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`配置无效 (invalid configuration):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** The validated configuration of one service: the shared part and each section it was started with. */
export class LoadedConfig {
  constructor(
    readonly base: ServiceConfig,
    private readonly sections: ReadonlyMap<ConfigSection, object>,
  ) {}

  /** The section's values; a section the service was not started with is a programming error. */
  section<T extends object>(type: ConfigSection<T>): T {
    const found = this.sections.get(type);
    if (!found) throw new Error(`配置段 ${type.name} 未在服务定义中列出 (config section not listed in the service definition)`);
    return found as T;
  }

  /** Section classes and their values, for the DI container. */
  entries(): [ConfigSection, object][] {
    return [...this.sections];
  }
}

function validated<T extends object>(type: ConfigSection<T>, raw: Record<string, unknown>): { value: T; problems: string[] } {
  const value = plainToInstance(type, raw, { excludeExtraneousValues: false });
  const errors = validateSync(value, { whitelist: true, forbidUnknownValues: false, validationError: { target: false } });
  const problems = errors.map((e) => {
    const given =
      e.value === undefined ? '未设置 (not set)' : `= ${JSON.stringify(String(e.property).includes('SECRET') ? '***' : e.value)}`;
    return `${e.property} ${given}: ${Object.values(e.constraints ?? {}).join('; ')}`;
  });
  return { value, problems };
}

/**
 * Reads and validates the environment once: the shared part and every section, all problems
 * reported together; in production, then, what each part refuses there. Defaults are the
 * service's own (e.g. its port).
 */
export function loadConfiguration(
  env: Record<string, string | undefined>,
  options: { defaults?: Partial<Record<keyof ServiceConfig, unknown>>; sections?: readonly ConfigSection[] } = {},
): LoadedConfig {
  const raw: Record<string, unknown> = { ...options.defaults };
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') raw[k] = v;
  const base = validated(ServiceConfig, raw);
  const sections = new Map<ConfigSection, object>();
  const problems = [...base.problems];
  for (const type of options.sections ?? []) {
    const section = validated(type, raw);
    sections.set(type, section.value);
    problems.push(...section.problems);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  if (base.value.NODE_ENV === 'production') {
    const refused = [base.value, ...sections.values()].flatMap((part) =>
      'refusedInProduction' in part ? (part as RefusesInProduction).refusedInProduction() : [],
    );
    if (refused.length > 0) throw new ConfigError(refused);
  }
  return new LoadedConfig(base.value, sections);
}

/** The shared part only (tools and tests that start no capability). */
export function loadServiceConfig(
  env: Record<string, string | undefined>,
  defaults: Partial<Record<keyof ServiceConfig, unknown>> = {},
): ServiceConfig {
  return loadConfiguration(env, { defaults }).base;
}
