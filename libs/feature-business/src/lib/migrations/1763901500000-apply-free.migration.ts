import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 免申即享 proper: a policy may open its bundle's case itself for each eligible subject; the offer keeps the case it opened. */
export class ApplyFree1763901500000 implements MigrationInterface {
  name = 'ApplyFree1763901500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy" ADD "apply_free" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy_version" ADD "apply_free" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy_offer" ADD "case_no" character varying(20)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy_offer" DROP COLUMN "case_no"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy_version" DROP COLUMN "apply_free"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy" DROP COLUMN "apply_free"`);
  }
}
