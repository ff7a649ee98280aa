import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Sharing: applications and grants (data_share) and when each granted item was last read (data_share_item_use). */
export class CreateSharing1763802700000 implements MigrationInterface {
  name = 'CreateSharing1763802700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."data_share" ("id" uuid NOT NULL, "resource_code" character varying(64) NOT NULL, "owner_department" character varying(64) NOT NULL, "applicant_department" character varying(64) NOT NULL, "app_key" character varying(64) NOT NULL, "items" jsonb NOT NULL, "purpose" character varying(500) NOT NULL, "legal_basis" character varying(500) NOT NULL, "valid_days" integer NOT NULL, "plain_requested" boolean NOT NULL DEFAULT false, "plain_values" boolean NOT NULL DEFAULT false, "status" character varying(16) NOT NULL, "due_on" date, "provisional" boolean NOT NULL DEFAULT false, "valid_until" TIMESTAMP WITH TIME ZONE, "requested_by" character varying(128) NOT NULL, "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL, "decided_by" character varying(128), "decided_at" TIMESTAMP WITH TIME ZONE, "decision_reason" character varying(1000), "reminded_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_data_share" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_data_share_resource_status" ON ${s}."data_share"  ("resource_code", "status") `);
    await queryRunner.query(
      `CREATE TABLE ${s}."data_share_item_use" ("share_id" uuid NOT NULL, "item" character varying(64) NOT NULL, "last_read_at" TIMESTAMP WITH TIME ZONE NOT NULL, "reads" integer NOT NULL, CONSTRAINT "PK_data_share_item_use" PRIMARY KEY ("share_id", "item"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP TABLE ${s}."data_share_item_use"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_data_share_resource_status"`);
    await queryRunner.query(`DROP TABLE ${s}."data_share"`);
  }
}
