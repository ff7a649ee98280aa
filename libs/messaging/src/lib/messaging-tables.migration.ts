import type { MigrationInterface, QueryRunner } from 'typeorm';

function schemaOf(queryRunner: QueryRunner): string {
  const schema = (queryRunner.connection.options as { schema?: string }).schema;
  if (!schema) throw new Error('DataSource must name its schema');
  return `"${schema}"`;
}

/**
 * Outbox and processed-message tables, created in the schema of the DataSource that runs
 * it. Each service lists it among its own migrations.
 */
export class CreateMessagingTables1763800000000 implements MigrationInterface {
  name = 'CreateMessagingTables1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(
      `CREATE TABLE ${s}."outbox" ("seq" BIGSERIAL NOT NULL, "event_id" uuid NOT NULL, "topic" character varying(255) NOT NULL, "message_key" character varying(255), "payload" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "locked_until" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_outbox_event_id" UNIQUE ("event_id"), CONSTRAINT "PK_outbox" PRIMARY KEY ("seq"))`,
    );
    await queryRunner.query(
      `CREATE TABLE ${s}."processed_message" ("consumer_group" character varying(255) NOT NULL, "event_id" uuid NOT NULL, "processed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_processed_message" PRIMARY KEY ("consumer_group", "event_id"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE ${s}."processed_message"`);
    await queryRunner.query(`DROP TABLE ${s}."outbox"`);
  }
}

/** The trace context (W3C `traceparent`) of the call that wrote an outbox event, sent with it so its consumers continue that trace. */
export class AddOutboxTraceContext1763901800000 implements MigrationInterface {
  name = 'AddOutboxTraceContext1763901800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE ${schemaOf(queryRunner)}."outbox" ADD "trace_context" character varying(512)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE ${schemaOf(queryRunner)}."outbox" DROP COLUMN "trace_context"`);
  }
}

/** The messaging tables' migrations, for a service's own list (TypeORM orders all of them by timestamp). */
export const MESSAGING_MIGRATIONS = [CreateMessagingTables1763800000000, AddOutboxTraceContext1763901800000];
