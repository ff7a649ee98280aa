import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 用证授权 (use authorisations by holders) and the basis of every licence read (self, authorisation, legal basis) or its refusal. */
export class LicenceUseAuthorisations1763801800000 implements MigrationInterface {
  name = 'LicenceUseAuthorisations1763801800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."licence_use_authorisation" ("id" uuid NOT NULL, "holder_key" character(64) NOT NULL, "licence_id" character varying(128), "grantee" character varying(64) NOT NULL, "purpose" character varying(256), "case_id" character varying(64), "valid_until" TIMESTAMP WITH TIME ZONE NOT NULL, "withdrawn_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_face957bc5e40dc07b223a86a30" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_licence_use_holder_grantee" ON ${s}."licence_use_authorisation"  ("holder_key", "grantee") `,
    );
    await queryRunner.query(`ALTER TABLE ${s}."licence_access_log" ADD "outcome" character varying(8) NOT NULL DEFAULT 'READ'`);
    await queryRunner.query(`ALTER TABLE ${s}."licence_access_log" ADD "basis" character varying(16)`);
    await queryRunner.query(`ALTER TABLE ${s}."licence_access_log" ADD "legal_basis" character varying(256)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."licence_access_log" DROP COLUMN "legal_basis"`);
    await queryRunner.query(`ALTER TABLE ${s}."licence_access_log" DROP COLUMN "basis"`);
    await queryRunner.query(`ALTER TABLE ${s}."licence_access_log" DROP COLUMN "outcome"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_licence_use_holder_grantee"`);
    await queryRunner.query(`DROP TABLE ${s}."licence_use_authorisation"`);
  }
}
