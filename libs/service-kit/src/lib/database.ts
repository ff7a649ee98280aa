import { createRequire } from 'node:module';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { ServiceConfig } from './service-config.js';
import type { ServiceDefinition } from './service-definition.js';

const require = createRequire(import.meta.url);

/** TypeORM options of a service: its own schema, its migrations, never `synchronize`. */
export function dataSourceOptions(
  def: ServiceDefinition,
  config: Pick<ServiceConfig, 'DATABASE_URL' | 'DB_DRIVER' | 'DB_POOL_SIZE'> & Partial<Pick<ServiceConfig, 'DB_NAMED_STATEMENTS'>>,
  schema = def.schema,
): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
    schema,
    entities: def.entities,
    migrations: def.migrations,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    migrationsRun: false,
    applicationName: def.name,
    // The driver module is configurable so a PostgreSQL fork's driver (openGauss, HighGo) can be dropped in.
    ...(config.DB_DRIVER !== 'pg' ? { driver: require(config.DB_DRIVER) } : {}),
    // gmpNamedStatements is read by preparedQuery (the pg pool ignores it).
    extra: { max: config.DB_POOL_SIZE, connectionTimeoutMillis: 5000, gmpNamedStatements: config.DB_NAMED_STATEMENTS ?? true },
  };
}

/** Opens the service's DataSource, creates its schema if needed and applies pending migrations. */
export async function openDataSource(options: DataSourceOptions, migrate: boolean): Promise<DataSource> {
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  try {
    const schema = (options as { schema?: string }).schema;
    if (schema) await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '""')}"`);
    if (migrate) await dataSource.runMigrations({ transaction: 'each' });
  } catch (err) {
    await dataSource.destroy();
    throw err;
  }
  return dataSource;
}
