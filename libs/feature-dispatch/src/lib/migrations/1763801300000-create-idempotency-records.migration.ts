import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Idempotency keys: the answer of each keyed call, kept 24 hours. */
export class CreateIdempotencyRecords1763801300000 implements MigrationInterface {
  name = 'CreateIdempotencyRecords1763801300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."idempotency_record" ("app_key" character varying(64) NOT NULL, "idem_key" character varying(128) NOT NULL, "capability" character varying(64) NOT NULL, "request_hash" character(64) NOT NULL, "status" smallint, "answer" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_idempotency_record" PRIMARY KEY ("app_key", "idem_key"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP TABLE ${s}."idempotency_record"`);
  }
}
