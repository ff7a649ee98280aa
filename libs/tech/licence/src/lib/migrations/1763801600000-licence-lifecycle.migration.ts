import type { MigrationInterface, QueryRunner } from 'typeorm';

/** E-licence issuing: type data schemas and validity, the signed record on licences, revocation, annotations (加注件). */
export class LicenceLifecycle1763801600000 implements MigrationInterface {
  name = 'LicenceLifecycle1763801600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."licence_annotation" ("licence_id" character varying(128) NOT NULL, "seq" integer NOT NULL, "text" character varying(512) NOT NULL, "by" character varying(64) NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_484d10a82b66b26d105e1334714" PRIMARY KEY ("licence_id", "seq"))`,
    );
    await queryRunner.query(`ALTER TABLE ${s}."licence_type" ADD "data_schema" jsonb`);
    await queryRunner.query(`ALTER TABLE ${s}."licence_type" ADD "validity_years" integer`);
    await queryRunner.query(`ALTER TABLE ${s}."licence" ADD "data" jsonb`);
    await queryRunner.query(`ALTER TABLE ${s}."licence" ADD "holder_id_enc" bytea`);
    await queryRunner.query(`ALTER TABLE ${s}."licence" ADD "signature" bytea`);
    await queryRunner.query(`ALTER TABLE ${s}."licence" ADD "seal_id" uuid`);
    await queryRunner.query(`ALTER TABLE ${s}."licence" ADD "revoked_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE ${s}."licence" ADD "revoked_reason" character varying(512)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."licence" DROP COLUMN "revoked_reason"`);
    await queryRunner.query(`ALTER TABLE ${s}."licence" DROP COLUMN "revoked_at"`);
    await queryRunner.query(`ALTER TABLE ${s}."licence" DROP COLUMN "seal_id"`);
    await queryRunner.query(`ALTER TABLE ${s}."licence" DROP COLUMN "signature"`);
    await queryRunner.query(`ALTER TABLE ${s}."licence" DROP COLUMN "holder_id_enc"`);
    await queryRunner.query(`ALTER TABLE ${s}."licence" DROP COLUMN "data"`);
    await queryRunner.query(`ALTER TABLE ${s}."licence_type" DROP COLUMN "validity_years"`);
    await queryRunner.query(`ALTER TABLE ${s}."licence_type" DROP COLUMN "data_schema"`);
    await queryRunner.query(`DROP TABLE ${s}."licence_annotation"`);
  }
}
