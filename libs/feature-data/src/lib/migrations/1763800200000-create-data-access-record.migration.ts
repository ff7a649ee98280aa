import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Data-access records ("who used my data"). */
export class CreateDataAccessRecord1763800200000 implements MigrationInterface {
  name = 'CreateDataAccessRecord1763800200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."data_access_record" ("event_id" uuid NOT NULL, "subject_key" character(64) NOT NULL, "resource" character varying(64) NOT NULL, "provider" character varying(64) NOT NULL, "app" character varying(64) NOT NULL, "end_user" character varying(128), "purpose" character varying(256), "case_id" character varying(64), "correlation_id" character varying(128) NOT NULL, "item_count" integer NOT NULL, "accessed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_805feda5dd8f0c85f8e1d407357" PRIMARY KEY ("event_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_data_access_record_subject" ON ${s}."data_access_record"  ("subject_key", "accessed_at") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP INDEX ${s}."IDX_data_access_record_subject"`);
    await queryRunner.query(`DROP TABLE ${s}."data_access_record"`);
  }
}
