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

/**
 * Opens the service's DataSource and creates its schema if needed; then `migrate` applies
 * pending migrations, `require-migrated` refuses to go on while any is pending (a service whose
 * deploy job migrates), `as-is` leaves them (the deploy task itself, tools).
 */
export async function openDataSource(
  options: DataSourceOptions,
  migrations: 'migrate' | 'require-migrated' | 'as-is',
): Promise<DataSource> {
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  try {
    const schema = (options as { schema?: string }).schema;
    if (schema) await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '""')}"`);
    if (migrations === 'migrate') await dataSource.runMigrations({ transaction: 'each' });
    // Without migrate-on-start the deploy job migrates: code must never run on a schema it does not expect.
    else if (migrations === 'require-migrated' && (await dataSource.showMigrations()))
      throw new Error(
        `数据库迁移未完成 (pending migrations in schema ${schema}): run the deploy job first (main.js migrate), or set DB_MIGRATE_ON_START=true`,
      );
  } catch (err) {
    await dataSource.destroy();
    throw err;
  }
  return dataSource;
}
