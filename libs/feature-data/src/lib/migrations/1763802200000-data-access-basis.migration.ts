import type { MigrationInterface, QueryRunner } from 'typeorm';

/** "Who used my data" records the legal basis declared (code and title) and whether the access was a read or a refusal. */
export class DataAccessBasis1763802200000 implements MigrationInterface {
  name = 'DataAccessBasis1763802200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `ALTER TABLE ${s}."data_access_record" ADD "legal_basis" character varying(64), ADD "legal_basis_title" character varying(256), ADD "outcome" character varying(8) NOT NULL DEFAULT 'READ'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `ALTER TABLE ${s}."data_access_record" DROP COLUMN "outcome", DROP COLUMN "legal_basis_title", DROP COLUMN "legal_basis"`,
    );
  }
}
