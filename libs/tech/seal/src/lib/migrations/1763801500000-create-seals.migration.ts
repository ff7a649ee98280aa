import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Electronic seals: the registry (keys kept by the crypto provider), grants, the use log, the platform's seal maker. */
export class CreateSeals1763801500000 implements MigrationInterface {
  name = 'CreateSeals1763801500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."seal" ("id" uuid NOT NULL, "es_id" character varying(32) NOT NULL, "organisation_code" character varying(18) NOT NULL, "organisation_name" character varying(128) NOT NULL, "name" character varying(128) NOT NULL, "type" character varying(16) NOT NULL, "picture" bytea NOT NULL, "sm2_public_key" character varying(130) NOT NULL, "sm2_private_key" text NOT NULL, "sm2_certificate" bytea NOT NULL, "seal_der" bytea NOT NULL, "pades_certificate" bytea NOT NULL, "pades_fingerprint" character(64) NOT NULL, "pades_key_enc" bytea NOT NULL, "valid_from" TIMESTAMP WITH TIME ZONE NOT NULL, "valid_to" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_reason" character varying(256), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_552aa7d3aff16ce15ed63b1cf55" UNIQUE ("es_id"), CONSTRAINT "PK_94a9476f2b00d7cfe0b6fcda707" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_seal_pades_fingerprint" ON ${s}."seal"  ("pades_fingerprint") `);
    await queryRunner.query(
      `CREATE TABLE ${s}."seal_grant" ("seal_id" uuid NOT NULL, "grantee" character varying(64) NOT NULL, "granted_by" character varying(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d1f64704f42b4fba9b6e50c44a5" PRIMARY KEY ("seal_id", "grantee"))`,
    );
    await queryRunner.query(
      `CREATE TABLE ${s}."seal_use" ("id" uuid NOT NULL, "seal_id" uuid NOT NULL, "app" character varying(64) NOT NULL, "end_user" character varying(128), "purpose" character varying(256), "kind" character varying(8) NOT NULL, "document_hash" character(64) NOT NULL, "outcome" character varying(8) NOT NULL, "reason" character varying(64), "correlation_id" character varying(128) NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_79954b8b1471341c3f8898af306" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_seal_use_seal" ON ${s}."seal_use"  ("seal_id", "at") `);
    await queryRunner.query(
      `CREATE TABLE ${s}."seal_maker" ("id" character varying(36) NOT NULL, "public_key" character varying(130) NOT NULL, "private_key" text NOT NULL, "certificate" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_bba49cda9a989d5c072541d7f21" PRIMARY KEY ("id"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP TABLE ${s}."seal_maker"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_seal_use_seal"`);
    await queryRunner.query(`DROP TABLE ${s}."seal_use"`);
    await queryRunner.query(`DROP TABLE ${s}."seal_grant"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_seal_pades_fingerprint"`);
    await queryRunner.query(`DROP TABLE ${s}."seal"`);
  }
}
