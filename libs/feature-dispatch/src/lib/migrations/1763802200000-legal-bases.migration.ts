import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Registered legal bases, and the bases each subscription's owner approved for the app to declare. */
export class LegalBases1763802200000 implements MigrationInterface {
  name = 'LegalBases1763802200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."legal_basis" ("code" character varying(64) NOT NULL, "law" character varying(128) NOT NULL, "article" character varying(64) NOT NULL, "summary" character varying(512) NOT NULL, "capabilities" character varying(64) array NOT NULL, "data_opened" character varying(256) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'active', "registered_by" character varying(64) NOT NULL, "registered_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "retired_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_legal_basis" PRIMARY KEY ("code"))`,
    );
    await queryRunner.query(`ALTER TABLE ${s}."capability_grant" ADD "legal_bases" character varying(64) array NOT NULL DEFAULT '{}'`);
    await queryRunner.query(
      `ALTER TABLE ${s}."capability_grant" ADD "requested_legal_bases" character varying(64) array NOT NULL DEFAULT '{}'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."capability_grant" DROP COLUMN "requested_legal_bases"`);
    await queryRunner.query(`ALTER TABLE ${s}."capability_grant" DROP COLUMN "legal_bases"`);
    await queryRunner.query(`DROP TABLE ${s}."legal_basis"`);
  }
}
