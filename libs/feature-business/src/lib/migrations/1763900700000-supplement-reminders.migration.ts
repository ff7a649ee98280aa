import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 容缺 reminders: the day an open supplement is reminded, and when it was. */
export class SupplementReminders1763900700000 implements MigrationInterface {
  name = 'SupplementReminders1763900700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_supplement" ADD "remind_on" character varying(10)`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_supplement" ADD "reminded_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_supplement" DROP COLUMN "reminded_at"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_supplement" DROP COLUMN "remind_on"`);
  }
}
