import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 超期上报: when a part was found undecided past its due day; the sweep finds open parts by due day. */
export class PartDeadlines1763900200000 implements MigrationInterface {
  name = 'PartDeadlines1763900200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" ADD "overdue_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" DROP COLUMN "overdue_at"`);
  }
}
