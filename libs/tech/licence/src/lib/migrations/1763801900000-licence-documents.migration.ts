import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The sealed licence PDF (版式文件) kept beside each issued licence; updates and deletes refused. */
export class LicenceDocuments1763801900000 implements MigrationInterface {
  name = 'LicenceDocuments1763801900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."licence_document" ("licence_id" character varying(128) NOT NULL, "pdf" bytea NOT NULL, "sha256" character(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_licence_document" PRIMARY KEY ("licence_id"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP TABLE ${s}."licence_document"`);
  }
}
