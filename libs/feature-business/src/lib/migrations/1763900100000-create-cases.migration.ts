import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 办件: cases with one number each (from a sequence), their parts, 容缺 supplements and timeline. */
export class CreateCases1763900100000 implements MigrationInterface {
  name = 'CreateCases1763900100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."biz_case" ("id" uuid NOT NULL, "case_no" character varying(20) NOT NULL, "bundle_code" character varying(64) NOT NULL, "bundle_version" integer NOT NULL, "status" character varying(24) NOT NULL, "applicant_key" character(64) NOT NULL, "applicant_masked" character varying(32) NOT NULL, "applicant_name" character varying(64) NOT NULL, "submitted_by" character varying(128) NOT NULL, "idempotency_key" character varying(128), "request_hash" character(64) NOT NULL, "form" jsonb NOT NULL, "materials" jsonb NOT NULL, "commitment_signed" boolean NOT NULL, "committed_due_on" character varying(10) NOT NULL, "provisional" boolean NOT NULL, "submitted_at" TIMESTAMP WITH TIME ZONE NOT NULL, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_biz_case" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_biz_case_no" ON ${s}."biz_case"  ("case_no") `);
    await queryRunner.query(`CREATE INDEX "IDX_biz_case_applicant" ON ${s}."biz_case"  ("applicant_key") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_biz_case_idempotency" ON ${s}."biz_case"  ("submitted_by", "idempotency_key") WHERE idempotency_key IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE ${s}."biz_case_part" ("id" uuid NOT NULL, "case_id" uuid NOT NULL, "matter_code" character varying(32) NOT NULL, "matter_name" character varying(128) NOT NULL, "department" character varying(64) NOT NULL, "stage" integer NOT NULL, "after" jsonb NOT NULL, "committed_days" integer NOT NULL, "status" character varying(16) NOT NULL, "due_on" character varying(10), "dispatched_at" TIMESTAMP WITH TIME ZONE, "decided_at" TIMESTAMP WITH TIME ZONE, "reason" character varying(500), "outputs" jsonb NOT NULL DEFAULT '[]', CONSTRAINT "PK_biz_case_part" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_biz_case_part_matter" ON ${s}."biz_case_part"  ("case_id", "matter_code") `);
    await queryRunner.query(
      `CREATE TABLE ${s}."biz_case_supplement" ("id" uuid NOT NULL, "case_id" uuid NOT NULL, "material_code" character varying(64) NOT NULL, "material_name" character varying(128) NOT NULL, "due_on" character varying(10) NOT NULL, "status" character varying(16) NOT NULL, "file_id" character varying(128), "supplied_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_biz_case_supplement" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_biz_case_supplement_case" ON ${s}."biz_case_supplement"  ("case_id") `);
    await queryRunner.query(
      `CREATE TABLE ${s}."biz_case_event" ("seq" BIGSERIAL NOT NULL, "case_id" uuid NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "kind" character varying(32) NOT NULL, "matter_code" character varying(32), "actor" character varying(128) NOT NULL, "message" character varying(500) NOT NULL, CONSTRAINT "PK_biz_case_event" PRIMARY KEY ("seq"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_biz_case_event_case" ON ${s}."biz_case_event"  ("case_id", "seq") `);
    await queryRunner.query(`CREATE SEQUENCE ${s}."biz_case_no_seq"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP SEQUENCE ${s}."biz_case_no_seq"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_biz_case_event_case"`);
    await queryRunner.query(`DROP TABLE ${s}."biz_case_event"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_biz_case_supplement_case"`);
    await queryRunner.query(`DROP TABLE ${s}."biz_case_supplement"`);
    await queryRunner.query(`DROP INDEX ${s}."UQ_biz_case_part_matter"`);
    await queryRunner.query(`DROP TABLE ${s}."biz_case_part"`);
    await queryRunner.query(`DROP INDEX ${s}."UQ_biz_case_idempotency"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_biz_case_applicant"`);
    await queryRunner.query(`DROP INDEX ${s}."UQ_biz_case_no"`);
    await queryRunner.query(`DROP TABLE ${s}."biz_case"`);
  }
}
