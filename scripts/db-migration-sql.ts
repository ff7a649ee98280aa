import 'reflect-metadata';
/**
 * Prints the SQL that would bring a service's schema in line with its entities, after its
 * existing migrations — the body of the next migration. Usage:
 *   npm run db:migration-sql -- <service-name>
 * Uses DATABASE_URL (default: the local PostgreSQL) and a throwaway schema.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ALL_SERVICES } from './services.js';
import { dataSourceOptions, openDataSource } from '@gmp/service-kit';

const name = process.argv[2];
const def = ALL_SERVICES.find((s) => s.name === name);
if (!def) {
  console.error(`用法 (usage): db-migration-sql <${ALL_SERVICES.map((s) => s.name).join('|')}>`);
  process.exit(2);
}
const url = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = `gen_${Date.now()}`;
const ds: DataSource = await openDataSource(
  dataSourceOptions(def, { DATABASE_URL: url, DB_DRIVER: 'pg', DB_POOL_SIZE: 2 }, schema),
  'migrate',
);
try {
  const sql = await ds.driver.createSchemaBuilder().log();
  const fix = (q: string) => q.replaceAll(`"${schema}"`, '${s}');
  console.log('// up');
  for (const q of sql.upQueries) console.log(`await queryRunner.query(\`${fix(q.query)}\`);`);
  console.log('// down');
  for (const q of sql.downQueries.reverse()) console.log(`await queryRunner.query(\`${fix(q.query)}\`);`);
} finally {
  await ds.query(`DROP SCHEMA "${schema}" CASCADE`);
  await ds.destroy();
}
