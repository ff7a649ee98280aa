import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A part's clock: paused (补正, or a special procedure the department names) and extended, each with its working days. */
export class PartClock1763900900000 implements MigrationInterface {
  name = 'PartClock1763900900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" ADD "clock_paused_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" ADD "clock_pause_reason" character varying(16)`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" ADD "paused_working_days" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" ADD "extended_days" integer NOT NULL DEFAULT '0'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" DROP COLUMN "extended_days"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" DROP COLUMN "paused_working_days"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" DROP COLUMN "clock_pause_reason"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" DROP COLUMN "clock_paused_at"`);
  }
}
