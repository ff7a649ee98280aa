import type { MigrationInterface, QueryRunner } from 'typeorm';

/** OpenID provider storage (sessions, grants, codes, tokens, clients) and its signing keys. */
export class CreateIdentityTables1763800400000 implements MigrationInterface {
  name = 'CreateIdentityTables1763800400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."oidc_payload" ("model" character varying(64) NOT NULL, "id" character varying(255) NOT NULL, "payload" jsonb NOT NULL, "grant_id" character varying(255), "user_code" character varying(255), "uid" character varying(255), "expires_at" TIMESTAMP WITH TIME ZONE, "consumed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_f8bdb5be780a6c077e38bb78a98" PRIMARY KEY ("model", "id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_oidc_payload_user_code" ON ${s}."oidc_payload"  ("user_code") `);
    await queryRunner.query(`CREATE INDEX "IDX_oidc_payload_uid" ON ${s}."oidc_payload"  ("uid") `);
    await queryRunner.query(`CREATE INDEX "IDX_oidc_payload_grant" ON ${s}."oidc_payload"  ("grant_id") `);
    await queryRunner.query(
      `CREATE TABLE ${s}."signing_key" ("kid" character varying(64) NOT NULL, "alg" character varying(16) NOT NULL, "private_jwk" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "retired_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_00d7e305393ab903d6eb06c11f9" PRIMARY KEY ("kid"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP TABLE ${s}."signing_key"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_oidc_payload_grant"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_oidc_payload_uid"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_oidc_payload_user_code"`);
    await queryRunner.query(`DROP TABLE ${s}."oidc_payload"`);
  }
}
