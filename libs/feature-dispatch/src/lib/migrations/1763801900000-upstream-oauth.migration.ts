import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Upstreams may authenticate with OAuth 2.0 client credentials (token URL, client id, scope; the secret in auth_secret_enc). */
export class UpstreamOauth1763801900000 implements MigrationInterface {
  name = 'UpstreamOauth1763801900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."upstream" ALTER COLUMN "auth_kind" TYPE character varying(32)`);
    await queryRunner.query(
      `ALTER TABLE ${s}."upstream" ADD "oauth_token_url" character varying(512), ADD "oauth_client_id" character varying(128), ADD "oauth_scope" character varying(256)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DELETE FROM ${s}."upstream" WHERE "auth_kind" = 'oauth-client-credentials'`);
    await queryRunner.query(
      `ALTER TABLE ${s}."upstream" DROP COLUMN "oauth_scope", DROP COLUMN "oauth_client_id", DROP COLUMN "oauth_token_url"`,
    );
    await queryRunner.query(`ALTER TABLE ${s}."upstream" ALTER COLUMN "auth_kind" TYPE character varying(16)`);
  }
}
