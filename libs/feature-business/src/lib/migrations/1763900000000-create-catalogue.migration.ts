import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 事项目录与一件事: matters with every version, bundles with their compiled plans. */
export class CreateCatalogue1763900000000 implements MigrationInterface {
  name = 'CreateCatalogue1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."biz_matter" ("code" character varying(28) NOT NULL, "base_code" character varying(9) NOT NULL, "name" character varying(128) NOT NULL, "type" character varying(16) NOT NULL, "department" character varying(64) NOT NULL, "level" character varying(16) NOT NULL, "region" character varying(6) NOT NULL, "target" character varying(16) NOT NULL, "version" integer NOT NULL, "definition" jsonb NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_by" character varying(128) NOT NULL, CONSTRAINT "PK_biz_matter" PRIMARY KEY ("code"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_biz_matter_base_code" ON ${s}."biz_matter"  ("base_code") `);
    await queryRunner.query(
      `CREATE TABLE ${s}."biz_matter_version" ("code" character varying(28) NOT NULL, "version" integer NOT NULL, "definition" jsonb NOT NULL, "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "changed_by" character varying(128) NOT NULL, CONSTRAINT "PK_biz_matter_version" PRIMARY KEY ("code", "version"))`,
    );
    await queryRunner.query(
      `CREATE TABLE ${s}."biz_bundle" ("code" character varying(64) NOT NULL, "version" integer NOT NULL, "name" character varying(128) NOT NULL, "status" character varying(16) NOT NULL, "definition" jsonb NOT NULL, "source" text, "plan" jsonb NOT NULL, "matter_versions" jsonb NOT NULL, "published_at" TIMESTAMP WITH TIME ZONE NOT NULL, "published_by" character varying(128) NOT NULL, "retired_at" TIMESTAMP WITH TIME ZONE, "retired_by" character varying(128), "retire_reason" character varying(500), CONSTRAINT "PK_biz_bundle" PRIMARY KEY ("code", "version"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP TABLE ${s}."biz_bundle"`);
    await queryRunner.query(`DROP TABLE ${s}."biz_matter_version"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_biz_matter_base_code"`);
    await queryRunner.query(`DROP TABLE ${s}."biz_matter"`);
  }
}
