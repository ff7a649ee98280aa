import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The capability registry: versions announced by providers, status and visibility set by operators. */
export class CreateCapabilityRegistry1763801500000 implements MigrationInterface {
  name = 'CreateCapabilityRegistry1763801500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."capability_version" ("code" character varying(64) NOT NULL, "version" character varying(8) NOT NULL, "name" character varying(128) NOT NULL, "description" character varying(1024) NOT NULL, "owner_department" character varying(128) NOT NULL, "provider" character varying(64) NOT NULL, "topic" character varying(128) NOT NULL, "timeout_ms" integer NOT NULL, "idempotent" boolean NOT NULL, "input_schema" jsonb NOT NULL, "output_schema" jsonb NOT NULL, "example" jsonb, "status" character varying(16) NOT NULL DEFAULT 'active', "visibility" character varying(16) NOT NULL DEFAULT 'public', "status_reason" character varying(256), "status_by" character varying(64), "announced_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_capability_version" PRIMARY KEY ("code", "version"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP TABLE ${s}."capability_version"`);
  }
}
