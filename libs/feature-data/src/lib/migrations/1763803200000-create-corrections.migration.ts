import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 数据纠错: correction requests for disputed prefilled values, one open per subject, resource and item. */
export class CreateCorrections1763803200000 implements MigrationInterface {
  name = 'CreateCorrections1763803200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."data_correction" ("id" uuid NOT NULL, "resource_code" character varying(64) NOT NULL, "subject_key" character(64) NOT NULL, "subject_masked" character varying(64) NOT NULL, "item" character varying(64) NOT NULL, "current_value" jsonb, "data_element" character varying(16) NOT NULL, "proposed_value" character varying(500) NOT NULL, "reason" character varying(500) NOT NULL, "owner_department" character varying(64) NOT NULL, "app" character varying(64) NOT NULL, "requested_by" character varying(128) NOT NULL, "case_id" character varying(64), "status" character varying(16) NOT NULL DEFAULT 'open', "due_on" character varying(10) NOT NULL, "provisional" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "decided_at" TIMESTAMP WITH TIME ZONE, "decided_by" character varying(128), "decision_reason" character varying(1000), CONSTRAINT "PK_data_correction" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_data_correction_owner_status" ON ${s}."data_correction"  ("owner_department", "status") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_data_correction_open" ON ${s}."data_correction"  ("subject_key", "resource_code", "item") WHERE status = 'open'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP INDEX ${s}."UQ_data_correction_open"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_data_correction_owner_status"`);
    await queryRunner.query(`DROP TABLE ${s}."data_correction"`);
  }
}
