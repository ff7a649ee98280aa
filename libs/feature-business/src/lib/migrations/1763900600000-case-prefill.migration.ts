import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 免填写: where each prefilled field of a case came from, and what could not be prefilled. */
export class CasePrefill1763900600000 implements MigrationInterface {
  name = 'CasePrefill1763900600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."biz_case" ADD "prefill" jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."biz_case" DROP COLUMN "prefill"`);
  }
}
