import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Signed requests: each app's signature scheme and its HMAC secret (encrypted by the crypto provider). */
export class AppSignatures1763801000000 implements MigrationInterface {
  name = 'AppSignatures1763801000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."business_app" ADD "signature_scheme" character varying(16)`);
    await queryRunner.query(`ALTER TABLE ${s}."business_app" ADD "hmac_secret_enc" bytea`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."business_app" DROP COLUMN "hmac_secret_enc"`);
    await queryRunner.query(`ALTER TABLE ${s}."business_app" DROP COLUMN "signature_scheme"`);
  }
}
