import type { MigrationInterface, QueryRunner } from 'typeorm';

/** SMS-code login: encrypted phone numbers on person accounts, one-time codes (keyed hashes only). */
export class CreateSmsLogin1763801100000 implements MigrationInterface {
  name = 'CreateSmsLogin1763801100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."sms_login_code" ("id" uuid NOT NULL, "account_id" uuid NOT NULL, "code_mac" character(64) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "consumed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_411e5e97e61c8c8f6c85940b44c" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_sms_login_code_account" ON ${s}."sms_login_code"  ("account_id") `);
    await queryRunner.query(`ALTER TABLE ${s}."person_account" ADD "phone_enc" bytea`);
    await queryRunner.query(`ALTER TABLE ${s}."person_account" ADD "phone_masked" character varying(16)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."person_account" DROP COLUMN "phone_masked"`);
    await queryRunner.query(`ALTER TABLE ${s}."person_account" DROP COLUMN "phone_enc"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_sms_login_code_account"`);
    await queryRunner.query(`DROP TABLE ${s}."sms_login_code"`);
  }
}
