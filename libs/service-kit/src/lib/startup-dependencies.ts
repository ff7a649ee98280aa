import { DataSource } from 'typeorm';
import { type MessagingOptions, prepareTransport, someCause } from '@gmp/messaging';
import { dataSourceOptions } from './database.js';
import type { ServiceConfig } from './service-config.js';
import type { ServiceDefinition } from './service-definition.js';
import { PermanentStartupError, type StartupDependency } from './startup.gate.js';

/** PostgreSQL answers that waiting will not change: a wrong password or role, a missing database, no permission. */
const PERMANENT_PG_CODES = new Set(['28P01', '28000', '3D000', '42501']);
/** Kafka answers of the same kind (as kafkajs names them). */
const PERMANENT_KAFKA_TYPES = new Set([
  'INVALID_REPLICATION_FACTOR',
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'SASL_AUTHENTICATION_FAILED',
  'POLICY_VIOLATION',
]);

function permanentCause(err: unknown): string | null {
  let found: string | null = null;
  someCause(err, (e) => {
    if (e.code && PERMANENT_PG_CODES.has(e.code)) found = `PostgreSQL ${e.code}`;
    else if (e.type && PERMANENT_KAFKA_TYPES.has(e.type)) found = `Kafka ${e.type}`;
    return found !== null;
  });
  return found;
}

/** Rethrows what waiting cannot mend as permanent (the service stops at once, naming it). */
function classified(err: unknown): never {
  const cause = permanentCause(err);
  if (cause)
    throw new PermanentStartupError(
      `${(err as Error)?.message ?? String(err)} (${cause}: 配置或权限问题，等待无用 — fix the configuration or permissions)`,
      { cause: err },
    );
  throw err;
}

/**
 * What a service waits for before it starts: its database reachable and — when its deploy job
 * migrates — every one of its migrations applied (read-only: the check creates nothing, so it never
 * races the job), then its broker with its topics.
 */
export function startupDependencies(def: ServiceDefinition, config: ServiceConfig, messaging: MessagingOptions): StartupDependency[] {
  // The names TypeORM records: a migration instance's `name`, or its class's.
  const expected = ((def.migrations ?? []) as unknown[])
    .filter((m): m is new () => { name?: string } => typeof m === 'function')
    .map((M) => new M().name ?? M.name);
  return [
    {
      name: 'database',
      check: async () => {
        const dataSource = new DataSource({
          ...dataSourceOptions(def, config),
          entities: [],
          migrations: [],
          extra: { max: 1, connectionTimeoutMillis: 5000 },
        });
        try {
          await dataSource.initialize();
          if (config.DB_MIGRATE_ON_START) {
            await dataSource.query('SELECT 1');
            return;
          }
          const table = `"${def.schema.replace(/"/g, '""')}".typeorm_migrations`;
          const [{ exists }] = (await dataSource.query('SELECT to_regclass($1) IS NOT NULL AS exists', [table])) as { exists: boolean }[];
          const applied = new Set(
            exists ? ((await dataSource.query(`SELECT name FROM ${table}`)) as { name: string }[]).map((r) => r.name) : [],
          );
          const pending = expected.filter((name) => !applied.has(name));
          if (pending.length > 0)
            throw new Error(
              `数据库迁移未完成 (pending migrations in schema ${def.schema}: ${pending.length}, e.g. ${pending[0]}): the deploy job (main.js migrate) has not run yet`,
            );
        } catch (err) {
          classified(err);
        } finally {
          if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
        }
      },
    },
    ...(messaging.transport === 'kafka' ? [{ name: 'kafka', check: () => prepareTransport(messaging).catch(classified) }] : []),
  ];
}
