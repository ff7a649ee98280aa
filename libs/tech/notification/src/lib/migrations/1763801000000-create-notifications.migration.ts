import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Notification outbox (recipient and parameters encrypted) and the in-app inbox. */
export class CreateNotifications1763801000000 implements MigrationInterface {
  name = 'CreateNotifications1763801000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."notification" ("id" uuid NOT NULL, "channel" character varying(8) NOT NULL, "recipient_enc" bytea, "recipient_masked" character varying(64) NOT NULL, "template" character varying(64) NOT NULL, "params_enc" bytea, "status" character varying(8) NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL, "lease_until" TIMESTAMP WITH TIME ZONE, "last_error" character varying(256), "provider_message_id" character varying(128), "app" character varying(64) NOT NULL, "correlation_id" character varying(128) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "sent_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_705b6c7cdf9b2c2ff7ac7872cb7" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_notification_due" ON ${s}."notification"  ("status", "next_attempt_at") `);
    await queryRunner.query(
      `CREATE TABLE ${s}."inbox_message" ("id" uuid NOT NULL, "subject" character varying(64) NOT NULL, "title" character varying(128) NOT NULL, "body" character varying(1024) NOT NULL, "read_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_bbd15267b116fd3c45f459a65fa" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_inbox_message_subject" ON ${s}."inbox_message"  ("subject", "created_at") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP INDEX ${s}."IDX_inbox_message_subject"`);
    await queryRunner.query(`DROP TABLE ${s}."inbox_message"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_notification_due"`);
    await queryRunner.query(`DROP TABLE ${s}."notification"`);
  }
}
