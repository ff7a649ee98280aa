import type { MigrationInterface, QueryRunner } from 'typeorm';

/** File store: metadata of uploaded materials and content-addressed blobs (FILE_STORE=pg). */
export class CreateFileStore1763801200000 implements MigrationInterface {
  name = 'CreateFileStore1763801200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."stored_file" ("id" uuid NOT NULL, "sha256" character(64) NOT NULL, "size" bigint NOT NULL, "media_type" character varying(64) NOT NULL, "file_name" character varying(255) NOT NULL, "owner" character varying(64) NOT NULL, "client_id" character varying(64) NOT NULL, "scan_status" character varying(16) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e140967af84027b493a3ff04fbb" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_stored_file_sha256" ON ${s}."stored_file"  ("sha256") `);
    await queryRunner.query(
      `CREATE TABLE ${s}."file_blob" ("sha256" character(64) NOT NULL, "content" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2db26d0cbfd307e8c754598143a" PRIMARY KEY ("sha256"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP TABLE ${s}."file_blob"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_stored_file_sha256"`);
    await queryRunner.query(`DROP TABLE ${s}."stored_file"`);
  }
}
