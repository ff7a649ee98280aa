import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-step time limits: each part's current workflow step's due day, its 80 % day, and when the sweep warned and acted. */
export class StepLimits1763900500000 implements MigrationInterface {
  name = 'StepLimits1763900500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" ADD "state_due_on" character varying(10)`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" ADD "state_warn_on" character varying(10)`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" ADD "state_warned_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" ADD "state_breached_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" DROP COLUMN "state_breached_at"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" DROP COLUMN "state_warned_at"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" DROP COLUMN "state_warn_on"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" DROP COLUMN "state_due_on"`);
  }
}
