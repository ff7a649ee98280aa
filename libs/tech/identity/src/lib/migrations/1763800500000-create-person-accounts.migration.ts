import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Person accounts (ID number only as keyed hash) and the identity audit log. */
export class CreatePersonAccounts1763800500000 implements MigrationInterface {
  name = 'CreatePersonAccounts1763800500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."identity_audit" ("id" uuid NOT NULL, "event" character varying(32) NOT NULL, "account_id" uuid, "client_id" character varying(64), "remote_address" character varying(64), "detail" character varying(256), "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ec2bc4234c2318af610ccf91036" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_identity_audit_account" ON ${s}."identity_audit"  ("account_id", "at") `);
    await queryRunner.query(
      `CREATE TABLE ${s}."person_account" ("id" uuid NOT NULL, "id_key" character(64) NOT NULL, "id_masked" character varying(32) NOT NULL, "name" character varying(64) NOT NULL, "password_hash" character varying(255) NOT NULL, "assurance_level" smallint NOT NULL DEFAULT '2', "failed_logins" integer NOT NULL DEFAULT '0', "locked_until" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_194c9cda69ede14e2d7a3ac08b4" UNIQUE ("id_key"), CONSTRAINT "PK_31a014bb67020155ba0aaa6f94a" PRIMARY KEY ("id"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP TABLE ${s}."person_account"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_identity_audit_account"`);
    await queryRunner.query(`DROP TABLE ${s}."identity_audit"`);
  }
}
