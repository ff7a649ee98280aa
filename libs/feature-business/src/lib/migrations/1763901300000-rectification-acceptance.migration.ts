import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A rectification accepted by a reviewer (验收): who finished it (they may not accept it) and the return visit's answer. */
export class RectificationAcceptance1763901300000 implements MigrationInterface {
  name = 'RectificationAcceptance1763901300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."biz_rectification" ADD "revisit_satisfied" boolean`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_rectification" ADD "finished_by" character varying(128)`);
    // Rectifications finished before: their last actor was the one who finished them.
    await queryRunner.query(`UPDATE ${s}."biz_rectification" SET finished_by = handled_by WHERE status = 'rectified'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."biz_rectification" DROP COLUMN "finished_by"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_rectification" DROP COLUMN "revisit_satisfied"`);
  }
}
