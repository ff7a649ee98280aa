import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 好差评: ratings of cases and parts, and the rectifications bad ones open. */
export class Ratings1763901000000 implements MigrationInterface {
  name = 'Ratings1763901000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."biz_rating" ("id" uuid NOT NULL, "case_id" uuid NOT NULL, "matter_code" character varying(32) NOT NULL, "department" character varying(64) NOT NULL, "bundle_code" character varying(64) NOT NULL, "score" integer NOT NULL, "reasons" jsonb NOT NULL, "comment" character varying(500), "rated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_biz_rating" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_biz_rating_case_matter" ON ${s}."biz_rating"  ("case_id", "matter_code") `);
    await queryRunner.query(
      `CREATE TABLE ${s}."biz_rectification" ("id" uuid NOT NULL, "rating_id" uuid NOT NULL, "case_id" uuid NOT NULL, "department" character varying(64) NOT NULL, "status" character varying(16) NOT NULL, "due_on" character varying(10) NOT NULL, "extended_days" integer NOT NULL DEFAULT '0', "handled_by" character varying(128), "finished_at" TIMESTAMP WITH TIME ZONE, "note" character varying(500), "request_kind" character varying(16), "request_reason" character varying(500), "requested_by" character varying(128), "late" boolean NOT NULL DEFAULT false, "reviewed_by" character varying(128), "review_note" character varying(500), "revisit" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_biz_rectification" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_biz_rectification_rating" ON ${s}."biz_rectification"  ("rating_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_biz_rectification_department" ON ${s}."biz_rectification"  ("department", "status") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP INDEX ${s}."IDX_biz_rectification_department"`);
    await queryRunner.query(`DROP INDEX ${s}."UQ_biz_rectification_rating"`);
    await queryRunner.query(`DROP TABLE ${s}."biz_rectification"`);
    await queryRunner.query(`DROP INDEX ${s}."UQ_biz_rating_case_matter"`);
    await queryRunner.query(`DROP TABLE ${s}."biz_rating"`);
  }
}
