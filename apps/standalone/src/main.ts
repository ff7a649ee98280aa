import 'reflect-metadata';
/**
 * Standalone mode (`npm start`): the four services in one process, on an embedded
 * PostgreSQL-compatible store on disk and the in-process transport — same migrations,
 * handlers and contracts as cluster mode. With DATABASE_URL / KAFKA_BROKERS set, it uses
 * them instead.
 */
import { resolve } from 'node:path';
import { businessPlatformService } from '@gmp/feature-business';
import { dataPlatformService } from '@gmp/feature-data';
import { DEMO_APP_KEY, serviceDispatchService } from '@gmp/feature-dispatch';
import { techCapabilitiesService } from '@gmp/feature-tech';
import { ConfigError, type RunningService, startService } from '@gmp/service-kit';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres.js';

const env = process.env;
let embedded: EmbeddedPostgres | null = null;
const running: RunningService[] = [];

async function main(): Promise<void> {
  if (!env['DATABASE_URL']) {
    const dataDir = resolve(env['STANDALONE_DATA_DIR'] ?? '.data/pglite');
    embedded = await startEmbeddedPostgres(dataDir, Number(env['STANDALONE_PG_PORT'] ?? 0), 16);
    process.stderr.write(`嵌入式数据库 (embedded PGlite) ${embedded.dataDir} on ${embedded.url}\n`);
  }
  const portBase = Number(env['STANDALONE_PORT_BASE'] ?? 3000);
  const base: Record<string, string | undefined> = {
    SEED_DEMO: 'true',
    SUBJECT_KEY_SECRET: 'dev-only-standalone-subject-key',
    INTERNAL_API_TOKEN: 'dev-only-internal-api-token',
    OIDC_ISSUER: `http://127.0.0.1:${portBase === 0 ? 0 : portBase + 1}/oidc`,
    NODE_ENV: 'development',
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
  for (const [def, offset] of [
    [dataPlatformService, 2],
    [techCapabilitiesService, 1],
    [businessPlatformService, 3],
    [serviceDispatchService, 0],
  ] as const) {
    running.push(await startService(def, { ...base, PORT: String(portBase === 0 ? 0 : portBase + offset) }));
  }
  const url = (name: string) => running.find((s) => s.definition.name === name)!.url;
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

内部接口 (internal APIs, e.g. "who used my data"): header X-Internal-Token: ${base['INTERNAL_API_TOKEN']}
  curl -s -H 'X-Internal-Token: ${base['INTERNAL_API_TOKEN']}' -H 'content-type: application/json' \\
    -d '{"holderType":"person","holderId":"11010519491231002X"}' ${url('data-platform')}/internal/v1/data-access/records/search

文档 (docs): README.md, docs/architecture.md, docs/topics.md, docs/operations.md — Ctrl-C 停止 (stop)
`);
}

async function stop(code: number): Promise<never> {
  for (const service of running.reverse()) await service.close().catch((err) => process.stderr.write(`${err}\n`));
  await embedded?.stop().catch((err) => process.stderr.write(`${err}\n`));
  process.exit(code);
}

process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));
main().catch((err) => {
  process.stderr.write(err instanceof ConfigError ? `${err.message}\n` : `启动失败 (failed to start): ${(err as Error)?.stack ?? err}\n`);
  void stop(1);
});
