import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Who granted a use authorisation (the holder, or a company's agent with scope licence:authorise). */
export class LicenceUseByAgents1763802000000 implements MigrationInterface {
  name = 'LicenceUseByAgents1763802000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."licence_use_authorisation" ADD "granted_by" uuid`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."licence_use_authorisation" DROP COLUMN "granted_by"`);
  }
}
