import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Subscriptions of apps to capabilities and the owners' decisions; at most one live (pending or approved) per app × capability. */
export class CreateCapabilityGrants1763800900000 implements MigrationInterface {
  name = 'CreateCapabilityGrants1763800900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."capability_grant" ("id" uuid NOT NULL, "app_key" character varying(64) NOT NULL, "capability_code" character varying(64) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'pending', "purpose" character varying(256) NOT NULL, "requested_by" character varying(64) NOT NULL, "decided_by" character varying(64), "decision_reason" character varying(256), "decided_at" TIMESTAMP WITH TIME ZONE, "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_capability_grant" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_capability_grant_app_capability" ON ${s}."capability_grant" ("app_key", "capability_code")`);
    // One live subscription per app × capability.
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_capability_grant_live" ON ${s}."capability_grant" ("app_key", "capability_code") WHERE status IN ('pending', 'approved')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP TABLE ${s}."capability_grant"`);
  }
}
