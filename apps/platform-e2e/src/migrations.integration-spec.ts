import { randomBytes } from 'node:crypto';
import { businessPlatformService } from '@gmp/feature-business';
import { dataPlatformService } from '@gmp/feature-data';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { techCapabilitiesService } from '@gmp/feature-tech';
import { dataSourceOptions, openDataSource } from '@gmp/service-kit';

/**
 * Drift check (runs in CI): for every service, its migrations produce exactly what its
 * entities describe, and every migration's `down` undoes its `up`.
 */
describe.each([serviceDispatchService, techCapabilitiesService, dataPlatformService, businessPlatformService])(
  'migrations of $name',
  (def) => {
    it('match the entities (no pending schema change) and roll back to an empty schema', async () => {
      const schema = `drift_${def.schema}_${randomBytes(3).toString('hex')}`;
      const ds = await openDataSource(
        dataSourceOptions(def, { DATABASE_URL: process.env['DATABASE_URL']!, DB_DRIVER: 'pg', DB_POOL_SIZE: 2 }, schema),
        'migrate',
      );
      try {
        const pending = await ds.driver.createSchemaBuilder().log();
        expect(pending.upQueries.map((q) => q.query)).toEqual([]);
        const applied = await ds.query(`SELECT name FROM "${schema}".typeorm_migrations`);
        expect(applied).toHaveLength((def.migrations as unknown[]).length);

        for (let i = 0; i < (def.migrations as unknown[]).length; i++) await ds.undoLastMigration({ transaction: 'each' });
        const tables = await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [schema]);
        expect(tables.map((t: { table_name: string }) => t.table_name)).toEqual(['typeorm_migrations']);
      } finally {
        await ds.query(`DROP SCHEMA "${schema}" CASCADE`);
        await ds.destroy();
      }
    });
  },
);
