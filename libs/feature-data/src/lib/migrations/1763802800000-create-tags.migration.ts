import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Profiles link records to the subjects they name (data_record.subject_links, GIN-indexed); tags with their versions and members. */
export class CreateTags1763802800000 implements MigrationInterface {
  name = 'CreateTags1763802800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."data_tag" ("code" character varying(64) NOT NULL, "name" character varying(128) NOT NULL, "rule" character varying(2000) NOT NULL, "version" integer NOT NULL, "updated_by" character varying(128) NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_data_tag" PRIMARY KEY ("code"))`,
    );
    await queryRunner.query(
      `CREATE TABLE ${s}."data_tag_version" ("code" character varying(64) NOT NULL, "version" integer NOT NULL, "rule" character varying(2000) NOT NULL, "published_by" character varying(128) NOT NULL, "published_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_data_tag_version" PRIMARY KEY ("code", "version"))`,
    );
    await queryRunner.query(
      `CREATE TABLE ${s}."data_tag_member" ("tag_code" character varying(64) NOT NULL, "subject_key" character(64) NOT NULL, "since" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_data_tag_member" PRIMARY KEY ("tag_code", "subject_key"))`,
    );
    // Existing records name nobody yet; the default only fills them (the column has none afterwards).
    await queryRunner.query(`ALTER TABLE ${s}."data_record" ADD "subject_links" jsonb NOT NULL DEFAULT '[]'`);
    await queryRunner.query(`ALTER TABLE ${s}."data_record" ALTER COLUMN "subject_links" DROP DEFAULT`);
    await queryRunner.query(`CREATE INDEX "IDX_data_record_links" ON ${s}."data_record" USING GIN ("subject_links" jsonb_path_ops)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP INDEX ${s}."IDX_data_record_links"`);
    await queryRunner.query(`ALTER TABLE ${s}."data_record" DROP COLUMN "subject_links"`);
    await queryRunner.query(`DROP TABLE ${s}."data_tag_member"`);
    await queryRunner.query(`DROP TABLE ${s}."data_tag_version"`);
    await queryRunner.query(`DROP TABLE ${s}."data_tag"`);
  }
}
