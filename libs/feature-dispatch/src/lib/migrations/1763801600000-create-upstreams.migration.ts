import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Upstream HTTP APIs published as capabilities (interface proxy). */
export class CreateUpstreams1763801600000 implements MigrationInterface {
  name = 'CreateUpstreams1763801600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."upstream" ("code" character varying(64) NOT NULL, "name" character varying(128) NOT NULL, "owner_department" character varying(128) NOT NULL, "base_url" character varying(512) NOT NULL, "path" character varying(256) NOT NULL, "method" character varying(8) NOT NULL, "auth_kind" character varying(16) NOT NULL, "auth_header" character varying(64), "auth_secret_enc" bytea, "timeout_ms" integer NOT NULL, "cache_ttl_seconds" integer NOT NULL DEFAULT 0, "request_mapping" text, "response_mapping" text, "input_schema" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_upstream" PRIMARY KEY ("code"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP TABLE ${s}."upstream"`);
  }
}
