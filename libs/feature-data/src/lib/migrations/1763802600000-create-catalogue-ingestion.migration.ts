import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The resource catalogue (data_resource, data_resource_version) and ingestion (data_record, its history, the quarantine). */
export class CreateCatalogueIngestion1763802600000 implements MigrationInterface {
  name = 'CreateCatalogueIngestion1763802600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."data_resource" ("code" character varying(64) NOT NULL, "version" integer NOT NULL, "name" character varying(128) NOT NULL, "provider_department" character varying(64) NOT NULL, "sharing_type" character varying(16) NOT NULL, "library" character varying(16), "status" character varying(16) NOT NULL DEFAULT 'active', "definition" jsonb NOT NULL, "record_schema" jsonb NOT NULL, "updated_by" character varying(128) NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_data_resource" PRIMARY KEY ("code"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_data_resource_provider" ON ${s}."data_resource"  ("provider_department") `);
    await queryRunner.query(
      `CREATE TABLE ${s}."data_resource_version" ("code" character varying(64) NOT NULL, "version" integer NOT NULL, "definition" jsonb NOT NULL, "change_note" character varying(500), "changed_by" character varying(128) NOT NULL, "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_data_resource_version" PRIMARY KEY ("code", "version"))`,
    );
    await queryRunner.query(
      `CREATE TABLE ${s}."data_record" ("resource_code" character varying(64) NOT NULL, "record_key" character(64) NOT NULL, "key_masked" character varying(64) NOT NULL, "values" jsonb NOT NULL, "version" integer NOT NULL, "resource_version" integer NOT NULL, "source_department" character varying(64) NOT NULL, "source_updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "origin" character varying(16) NOT NULL, CONSTRAINT "PK_data_record" PRIMARY KEY ("resource_code", "record_key"))`,
    );
    await queryRunner.query(
      `CREATE TABLE ${s}."data_record_history" ("id" BIGSERIAL NOT NULL, "resource_code" character varying(64) NOT NULL, "record_key" character(64) NOT NULL, "version" integer NOT NULL, "values" jsonb NOT NULL, "source_department" character varying(64) NOT NULL, "source_updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "origin" character varying(16) NOT NULL, CONSTRAINT "PK_data_record_history" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_data_record_history_version" ON ${s}."data_record_history"  ("resource_code", "record_key", "version") `,
    );
    await queryRunner.query(
      `CREATE TABLE ${s}."data_quarantine" ("id" uuid NOT NULL, "resource_code" character varying(128) NOT NULL, "department" character varying(64) NOT NULL, "record" jsonb NOT NULL, "source_updated_at" character varying(64), "reasons" jsonb NOT NULL, "origin" character varying(16) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'open', "attempts" integer NOT NULL DEFAULT '1', "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "resolved_at" TIMESTAMP WITH TIME ZONE, "resolved_by" character varying(128), CONSTRAINT "PK_data_quarantine" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_data_quarantine_resource_status" ON ${s}."data_quarantine"  ("resource_code", "status") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP INDEX ${s}."IDX_data_quarantine_resource_status"`);
    await queryRunner.query(`DROP TABLE ${s}."data_quarantine"`);
    await queryRunner.query(`DROP INDEX ${s}."UQ_data_record_history_version"`);
    await queryRunner.query(`DROP TABLE ${s}."data_record_history"`);
    await queryRunner.query(`DROP TABLE ${s}."data_record"`);
    await queryRunner.query(`DROP TABLE ${s}."data_resource_version"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_data_resource_provider"`);
    await queryRunner.query(`DROP TABLE ${s}."data_resource"`);
  }
}
