import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The data platform's licence index, fed by LicenceChanged events. */
export class CreateLicenceIndex1763801700000 implements MigrationInterface {
  name = 'CreateLicenceIndex1763801700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."licence_index" ("licence_id" character varying(128) NOT NULL, "type_code" character varying(21) NOT NULL, "holder_key" character(64) NOT NULL, "holder_type" character varying(16) NOT NULL, "issuer_code" character varying(18) NOT NULL, "status" character varying(16) NOT NULL, "valid_until" date, "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_13518e7677a060798dc74bb075b" PRIMARY KEY ("licence_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_licence_index_holder" ON ${s}."licence_index"  ("holder_key") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP INDEX ${s}."IDX_licence_index_holder"`);
    await queryRunner.query(`DROP TABLE ${s}."licence_index"`);
  }
}
