import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 批量归集: bulk loads and their staging lines (filled by COPY, emptied as they are processed). */
export class CreateBulkLoads1763803300000 implements MigrationInterface {
  name = 'CreateBulkLoads1763803300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."data_bulk_load" ("id" uuid NOT NULL, "resource_code" character varying(64) NOT NULL, "department" character varying(64) NOT NULL, "origin" character varying(16) NOT NULL, "submitted_by" character varying(128) NOT NULL, "status" character varying(16) NOT NULL, "lines" integer NOT NULL, "bytes" bigint NOT NULL, "processed" integer NOT NULL DEFAULT 0, "stored" integer NOT NULL DEFAULT 0, "unchanged" integer NOT NULL DEFAULT 0, "stale" integer NOT NULL DEFAULT 0, "quarantined" integer NOT NULL DEFAULT 0, "quarantine_sample" jsonb NOT NULL DEFAULT '[]', "error" character varying(1000), "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_data_bulk_load" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_data_bulk_load_pending" ON ${s}."data_bulk_load" ("received_at") WHERE status IN ('received', 'processing')`,
    );
    await queryRunner.query(
      `CREATE TABLE ${s}."data_bulk_line" ("load_id" uuid NOT NULL, "line_no" integer NOT NULL, "line" text NOT NULL, CONSTRAINT "PK_data_bulk_line" PRIMARY KEY ("load_id", "line_no"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP TABLE ${s}."data_bulk_line"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_data_bulk_load_pending"`);
    await queryRunner.query(`DROP TABLE ${s}."data_bulk_load"`);
  }
}
