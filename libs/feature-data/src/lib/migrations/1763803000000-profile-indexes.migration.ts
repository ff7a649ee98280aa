import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Profiles read by index, not by scan. The stored records' primary key leads with the subject (a
 * profile reads every resource of one subject). The records naming a subject are found through a
 * B-tree table (data_record_link) instead of the GIN index on subject_links, which the planner
 * skipped for a scan of the whole table (its estimate for `?`/`?|` is a fixed guess; `@>` on the
 * jsonb_path_ops index took 4–17 ms per subject even when it was used).
 */
export class ProfileIndexes1763803000000 implements MigrationInterface {
  name = 'ProfileIndexes1763803000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `ALTER TABLE ${s}."data_record" DROP CONSTRAINT "PK_data_record", ADD CONSTRAINT "PK_data_record" PRIMARY KEY ("record_key", "resource_code")`,
    );
    await queryRunner.query(`DROP INDEX ${s}."IDX_data_record_links"`);
    await queryRunner.query(
      `CREATE TABLE ${s}."data_record_link" ("subject_key" character(64) NOT NULL, "resource_code" character varying(64) NOT NULL, "record_key" character(64) NOT NULL, CONSTRAINT "PK_data_record_link" PRIMARY KEY ("subject_key", "resource_code", "record_key"))`,
    );
    await queryRunner.query(
      `INSERT INTO ${s}."data_record_link" (subject_key, resource_code, record_key)
       SELECT DISTINCT l.k, r.resource_code, r.record_key FROM ${s}."data_record" r, jsonb_array_elements_text(r.subject_links) AS l(k)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP TABLE ${s}."data_record_link"`);
    await queryRunner.query(`CREATE INDEX "IDX_data_record_links" ON ${s}."data_record" USING GIN ("subject_links" jsonb_path_ops)`);
    await queryRunner.query(
      `ALTER TABLE ${s}."data_record" DROP CONSTRAINT "PK_data_record", ADD CONSTRAINT "PK_data_record" PRIMARY KEY ("resource_code", "record_key")`,
    );
  }
}
