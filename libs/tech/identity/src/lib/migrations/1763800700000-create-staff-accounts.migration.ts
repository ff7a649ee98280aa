import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The department tree and staff accounts (roles, data scope, TOTP). */
export class CreateStaffAccounts1763800700000 implements MigrationInterface {
  name = 'CreateStaffAccounts1763800700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."department" ("id" uuid NOT NULL, "parent_id" uuid, "name" character varying(128) NOT NULL, "level" character varying(16) NOT NULL, "path" character varying(1024) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9a2213262c1593bffb581e382f5" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_department_path" ON ${s}."department"  ("path") `);
    await queryRunner.query(
      `CREATE TABLE ${s}."staff_account" ("id" uuid NOT NULL, "username" character varying(64) NOT NULL, "name" character varying(64) NOT NULL, "password_hash" character varying(255) NOT NULL, "department_id" uuid NOT NULL, "roles" text array NOT NULL, "data_scope" character varying(16) NOT NULL, "custom_department_ids" uuid array NOT NULL DEFAULT '{}', "totp_secret" character varying(64), "failed_logins" integer NOT NULL DEFAULT '0', "locked_until" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_a7c945e39de97ad2b20e719fc28" UNIQUE ("username"), CONSTRAINT "PK_4d2399aabd15dae3014759ae87d" PRIMARY KEY ("id"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP TABLE ${s}."staff_account"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_department_path"`);
    await queryRunner.query(`DROP TABLE ${s}."department"`);
  }
}
