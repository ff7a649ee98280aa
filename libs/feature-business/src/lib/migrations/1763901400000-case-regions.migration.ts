import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 跨域办: a case's 收件地 and 送达地, each part's 办理地 (GB/T 2260 codes; null on cases from before). */
export class CaseRegions1763901400000 implements MigrationInterface {
  name = 'CaseRegions1763901400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."biz_case" ADD "accept_region" character varying(6)`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case" ADD "delivery_region" character varying(6)`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" ADD "handling_region" character varying(6)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" DROP COLUMN "handling_region"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case" DROP COLUMN "delivery_region"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case" DROP COLUMN "accept_region"`);
  }
}
