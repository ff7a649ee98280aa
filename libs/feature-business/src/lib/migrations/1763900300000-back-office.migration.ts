import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 部门审批: where matter departments sit in identity's tree; each part's workflow state, claim and send-back marks. */
export class BackOffice1763900300000 implements MigrationInterface {
  name = 'BackOffice1763900300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."biz_department" ("name" character varying(128) NOT NULL, "identity_id" uuid, "path" character varying(1024), "status" character varying(16) NOT NULL, "checked_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_biz_department" PRIMARY KEY ("name"))`,
    );
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" ADD "workflow_state" character varying(32)`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" ADD "assignee" character varying(128)`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" ADD "claimed_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" ADD "marks" jsonb`);
    await queryRunner.query(`CREATE INDEX "IDX_biz_case_part_inbox" ON ${s}."biz_case_part"  ("department", "status") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP INDEX ${s}."IDX_biz_case_part_inbox"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" DROP COLUMN "marks"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" DROP COLUMN "claimed_at"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" DROP COLUMN "assignee"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" DROP COLUMN "workflow_state"`);
    await queryRunner.query(`DROP TABLE ${s}."biz_department"`);
  }
}
