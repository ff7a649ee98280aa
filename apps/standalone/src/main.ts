import 'reflect-metadata';
/**
 * Standalone mode (`npm start`): the four services in one process, on an embedded
 * PostgreSQL-compatible store on disk and the in-process transport — same migrations,
 * handlers and contracts as cluster mode. With DATABASE_URL / KAFKA_BROKERS set, it uses
 * them instead.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { businessPlatformService } from '@gmp/feature-business';
import { dataPlatformService } from '@gmp/feature-data';
import { DEMO_APP_KEY, serviceDispatchService } from '@gmp/feature-dispatch';
import { techCapabilitiesService } from '@gmp/feature-tech';
import { inProcessBroker } from '@gmp/messaging';
import { startTracing, stopTracing } from '@gmp/observability';
import { ConfigError, type RunningService, startService } from '@gmp/service-kit';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres.js';

const env = process.env;
let embedded: EmbeddedPostgres | null = null;
const running: RunningService[] = [];

/** The subject-key secret data directories made before secrets were random used (kept for them, or their records would no longer match). */
const LEGACY_SUBJECT_KEY = 'dev-only-standalone-subject-key';

/**
 * Secrets of one data directory, made at random when the directory is made and kept in it
 * (mode 0600): the internal API token and the subject-key secret. `fresh` says they were just
 * made (the banner shows the token this once). Without a data directory (DATABASE_URL), they
 * are made anew at every start.
 */
function standaloneSecrets(dataDir: string | null): {
  internalToken: string;
  subjectKey: string;
  fresh: boolean;
  tokenFile: string | null;
} {
  const make = () => randomBytes(24).toString('base64url');
  if (!dataDir) return { internalToken: make(), subjectKey: make(), fresh: true, tokenFile: null };
  const tokenFile = join(dataDir, 'gmp-internal-api-token');
  const keyFile = join(dataDir, 'gmp-subject-key-secret');
  const existingStore = existsSync(join(dataDir, 'PG_VERSION'));
  const read = (file: string, fallback: () => string) => {
    if (existsSync(file)) return { value: readFileSync(file, 'utf8').trim(), made: false };
    const value = fallback();
    writeFileSync(file, `${value}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    return { value, made: true };
  };
  const subjectKey = read(keyFile, () => (existingStore ? LEGACY_SUBJECT_KEY : make()));
  const token = read(tokenFile, make);
  return { internalToken: token.value, subjectKey: subjectKey.value, fresh: token.made, tokenFile };
}

async function main(): Promise<void> {
  let dataDir: string | null = null;
  if (!env['DATABASE_URL']) {
    dataDir = resolve(env['STANDALONE_DATA_DIR'] ?? '.data/pglite');
    embedded = await startEmbeddedPostgres(dataDir, Number(env['STANDALONE_PG_PORT'] ?? 0), 16);
    process.stderr.write(`嵌入式数据库 (embedded PGlite) ${embedded.dataDir} on ${embedded.url}\n`);
  }
  const secrets = standaloneSecrets(dataDir);
  const portBase = Number(env['STANDALONE_PORT_BASE'] ?? 3000);
  // Loopback unless told otherwise: a trial platform with demo data is not for the network.
  const host = env['HOST'] ?? '127.0.0.1';
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const base: Record<string, string | undefined> = {
    SEED_DEMO: 'true',
    // A trial platform has no department systems: the simulated department answers each case's parts after 2 s.
    BUSINESS_SIMULATED_DEPARTMENTS: 'true',
    SUBJECT_KEY_SECRET: secrets.subjectKey,
    INTERNAL_API_TOKEN: secrets.internalToken,
    OIDC_ISSUER: `http://${shownHost}:${portBase === 0 ? 0 : portBase + 1}/oidc`,
    NODE_ENV: 'development',
    HOST: host,
    ...env,
    DATABASE_URL: env['DATABASE_URL'] ?? embedded!.url,
    TRANSPORT: env['KAFKA_BROKERS'] ? 'kafka' : 'inprocess',
    // PGlite runs one query at a time: a small pool per service is enough.
    DB_POOL_SIZE: env['DB_POOL_SIZE'] ?? (embedded ? '3' : '10'),
    // The embedded store runs every connection on one session: a named statement would collide across connections.
    DB_NAMED_STATEMENTS: env['DB_NAMED_STATEMENTS'] ?? (embedded ? 'false' : 'true'),
  };
  // Consumers of events before their producers (and stopped after them, in reverse), so no
  // outbox relays to a service that is not there; providers before dispatch.
  const services = [dataPlatformService, techCapabilitiesService, businessPlatformService, serviceDispatchService];
  // Events no service here consumes (e.g. TagGained before the business platform listens) go unread instead of piling up in the outboxes.
  inProcessBroker.expectConsumers(services.flatMap((s) => s.consumes));
  // One process, one trace exporter named for the whole trial platform (when OTEL_EXPORTER_OTLP_ENDPOINT is set).
  await startTracing('standalone', env);
  for (const [def, offset] of [
    [dataPlatformService, 2],
    [techCapabilitiesService, 1],
    [businessPlatformService, 3],
    [serviceDispatchService, 0],
  ] as const) {
    running.push(await startService(def, { ...base, PORT: String(portBase === 0 ? 0 : portBase + offset) }));
  }
  const url = (name: string) => running.find((s) => s.definition.name === name)!.url.replace('http://127.0.0.1:', `http://${shownHost}:`);
  const tokenLine = env['INTERNAL_API_TOKEN']
    ? '内部接口 (internal APIs, e.g. "who used my data"): X-Internal-Token 为环境变量 INTERNAL_API_TOKEN (the token you set)'
    : secrets.fresh
      ? `内部接口令牌，仅显示这一次 (internal API token, shown this once${secrets.tokenFile ? `; kept in ${secrets.tokenFile}, mode 0600` : '; new at every start without a data directory'}):\n  export GMP_INTERNAL_TOKEN=${secrets.internalToken}`
      : `内部接口令牌保存在 (internal API token kept in) ${secrets.tokenFile}:\n  export GMP_INTERNAL_TOKEN=$(cat ${secrets.tokenFile})`;
  const dispatch = url('service-dispatch');
  process.stdout.write(`
政务中台 已启动 (standalone mode: ${base['TRANSPORT']} transport, ${embedded ? 'embedded PGlite at ' + embedded.dataDir : 'PostgreSQL from DATABASE_URL'})

  服务调度 service-dispatch   ${dispatch}   API docs ${dispatch}/docs
  技术中台 tech-capabilities  ${url('tech-capabilities')}   ${url('tech-capabilities')}/docs
  数据中台 data-platform      ${url('data-platform')}   ${url('data-platform')}/docs
  业务中台 business-platform  ${url('business-platform')}   ${url('business-platform')}/docs

试一试 (try it) — look up a demo citizen's e-licences through dispatch:
  curl -s -u ${DEMO_APP_KEY}:${base['DEMO_APP_SECRET'] ?? 'demo-portal-secret'} -H 'content-type: application/json' -H 'X-Legal-Basis: demo.market-entity-registration' \\
    -d '{"holderType":"person","holderId":"11010519491231002X"}' ${dispatch}/v1/capabilities/e-licence.query-by-holder/invoke

或用 OAuth 客户端凭证 (or with an OAuth client-credentials token, see docs/identity.md):
  curl -s -u demo-business-app:demo-business-app-secret -d grant_type=client_credentials -d scope=capabilities:invoke ${url('tech-capabilities')}/oidc/token

${tokenLine}
  curl -s -H "X-Internal-Token: $GMP_INTERNAL_TOKEN" -H 'content-type: application/json' \\
    -d '{"holderType":"person","holderId":"11010519491231002X"}' ${url('data-platform')}/internal/v1/data-access/records/search

监听地址 (listening on) ${host}${host === '127.0.0.1' ? ' — 仅本机 (loopback only; HOST=0.0.0.0 to listen on every interface)' : ' — 注意：其他主机可访问 (reachable from other hosts)'}

文档 (docs): README.md, docs/architecture.md, docs/topics.md, docs/operations.md — Ctrl-C 停止 (stop)
`);
}

async function stop(code: number): Promise<never> {
  for (const service of running.reverse()) await service.close().catch((err) => process.stderr.write(`${err}\n`));
  await embedded?.stop().catch((err) => process.stderr.write(`${err}\n`));
  await stopTracing();
  process.exit(code);
}

process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));
main().catch((err) => {
  process.stderr.write(err instanceof ConfigError ? `${err.message}\n` : `启动失败 (failed to start): ${(err as Error)?.stack ?? err}\n`);
  void stop(1);
});
