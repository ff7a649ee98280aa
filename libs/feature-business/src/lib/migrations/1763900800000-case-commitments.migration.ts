import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 告知承诺事后核查: each commitment of a case, its check or inspection, and the revocation a broken one opens. */
export class CaseCommitments1763900800000 implements MigrationInterface {
  name = 'CaseCommitments1763900800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."biz_case_commitment" ("id" uuid NOT NULL, "case_id" uuid NOT NULL, "matter_code" character varying(32) NOT NULL, "department" character varying(64) NOT NULL, "material_code" character varying(64) NOT NULL, "material_name" character varying(128) NOT NULL, "method" character varying(16) NOT NULL, "check_spec" jsonb, "after_days" integer NOT NULL DEFAULT '0', "status" character varying(16) NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "next_try_at" TIMESTAMP WITH TIME ZONE, "last_error" character varying(500), "checked_at" TIMESTAMP WITH TIME ZONE, "decided_by" character varying(128), "decided_at" TIMESTAMP WITH TIME ZONE, "reason" character varying(500), "revocation_done_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_biz_case_commitment" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_biz_case_commitment_open" ON ${s}."biz_case_commitment"  ("status", "next_try_at") WHERE status IN ('pending', 'revoked')`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_biz_case_commitment" ON ${s}."biz_case_commitment"  ("case_id", "matter_code", "material_code") `,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP INDEX ${s}."UQ_biz_case_commitment"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_biz_case_commitment_open"`);
    await queryRunner.query(`DROP TABLE ${s}."biz_case_commitment"`);
  }
}
