import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The platform seal CA (电子印章 CA): its keys and certificates (`seal_ca`), and which CA issued
 * each seal's PDF certificate (`seal.pades_issuer`; null for the self-signed certificates of
 * seals registered before it).
 */
export class SealCa1763802300000 implements MigrationInterface {
  name = 'SealCa1763802300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."seal_ca" ("id" character varying(36) NOT NULL, "algorithm" character varying(8) NOT NULL, "sm2_public_key" character varying(130), "sm2_private_key" text, "key_enc" bytea, "certificate" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5d0c6075c55497a4937366801ff" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`ALTER TABLE ${s}."seal" ADD "pades_issuer" character varying(36)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."seal" DROP COLUMN "pades_issuer"`);
    await queryRunner.query(`DROP TABLE ${s}."seal_ca"`);
  }
}
