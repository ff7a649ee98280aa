import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Idempotent issuing: the issuing app and its key for the issue (a retry answers the licence issued before). */
export class LicenceIssueKeys1763802600000 implements MigrationInterface {
  name = 'LicenceIssueKeys1763802600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."licence" ADD "issue_app" character varying(128)`);
    await queryRunner.query(`ALTER TABLE ${s}."licence" ADD "issue_key" character varying(128)`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_licence_issue_key" ON ${s}."licence"  ("issue_app", "issue_key") WHERE issue_key IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP INDEX ${s}."UQ_licence_issue_key"`);
    await queryRunner.query(`ALTER TABLE ${s}."licence" DROP COLUMN "issue_key"`);
    await queryRunner.query(`ALTER TABLE ${s}."licence" DROP COLUMN "issue_app"`);
  }
}
