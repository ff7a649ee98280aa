import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 一窗出件: the applicant's ID kept encrypted for issuing, each case's delivery state and archive package, the licences issued per output. */
export class CaseDelivery1763900400000 implements MigrationInterface {
  name = 'CaseDelivery1763900400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."biz_case_output" ("case_id" uuid NOT NULL, "matter_code" character varying(32) NOT NULL, "output_code" character varying(64) NOT NULL, "name" character varying(128) NOT NULL, "licence_type" character varying(21) NOT NULL, "licence_id" character varying(128) NOT NULL, "number" character varying(64) NOT NULL, "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_biz_case_output" PRIMARY KEY ("case_id", "matter_code", "output_code"))`,
    );
    await queryRunner.query(`ALTER TABLE ${s}."biz_case" ADD "applicant_id_enc" bytea`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case" ADD "delivery_status" character varying(16)`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case" ADD "delivery_attempts" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case" ADD "delivery_lease_until" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case" ADD "delivery_error" character varying(500)`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case" ADD "archive_package_id" uuid`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case" ADD "delivered_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `CREATE INDEX "IDX_biz_case_delivery_pending" ON ${s}."biz_case"  ("delivery_lease_until") WHERE delivery_status = 'pending'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP INDEX ${s}."IDX_biz_case_delivery_pending"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case" DROP COLUMN "delivered_at"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case" DROP COLUMN "archive_package_id"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case" DROP COLUMN "delivery_error"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case" DROP COLUMN "delivery_lease_until"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case" DROP COLUMN "delivery_attempts"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case" DROP COLUMN "delivery_status"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case" DROP COLUMN "applicant_id_enc"`);
    await queryRunner.query(`DROP TABLE ${s}."biz_case_output"`);
  }
}
