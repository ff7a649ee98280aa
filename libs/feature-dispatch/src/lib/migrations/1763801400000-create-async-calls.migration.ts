import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Asynchronous calls and their callbacks; apps' callback URLs and secrets. */
export class CreateAsyncCalls1763801400000 implements MigrationInterface {
  name = 'CreateAsyncCalls1763801400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."async_call" ("id" uuid NOT NULL, "app_key" character varying(64) NOT NULL, "capability" character varying(64) NOT NULL, "status" character varying(16) NOT NULL, "request_enc" bytea NOT NULL, "result_status" smallint, "result_enc" bytea, "lease_until" TIMESTAMP WITH TIME ZONE, "attempts" integer NOT NULL DEFAULT 0, "submitted_at" TIMESTAMP WITH TIME ZONE NOT NULL, "completed_at" TIMESTAMP WITH TIME ZONE, "callback_url" character varying(512), "callback_status" character varying(16) NOT NULL DEFAULT 'none', "callback_attempts" integer NOT NULL DEFAULT 0, "callback_next_at" TIMESTAMP WITH TIME ZONE, "callback_error" character varying(256), CONSTRAINT "PK_async_call" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_async_call_status" ON ${s}."async_call" ("status", "lease_until")`);
    await queryRunner.query(`CREATE INDEX "IDX_async_call_callback" ON ${s}."async_call" ("callback_status", "callback_next_at")`);
    await queryRunner.query(`ALTER TABLE ${s}."business_app" ADD "callback_url" character varying(512)`);
    await queryRunner.query(`ALTER TABLE ${s}."business_app" ADD "callback_secret_enc" bytea`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."business_app" DROP COLUMN "callback_secret_enc"`);
    await queryRunner.query(`ALTER TABLE ${s}."business_app" DROP COLUMN "callback_url"`);
    await queryRunner.query(`DROP TABLE ${s}."async_call"`);
  }
}
