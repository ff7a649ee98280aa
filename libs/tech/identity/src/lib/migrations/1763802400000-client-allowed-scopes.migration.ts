import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every OAuth client carries an explicit list of allowed scopes (`scope` in its stored metadata):
 * a CHECK on `oidc_payload` refuses a client row without one (NOT VALID: a row stored before is
 * left for the operator to complete — until then the provider does not serve that client). The
 * demo business-line app seeded before is narrowed to what it is for, `capabilities:invoke`
 * (it was seeded with `licence:read files:write` too); `down` does not widen it again.
 */
export class ClientAllowedScopes1763802400000 implements MigrationInterface {
  name = 'ClientAllowedScopes1763802400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `UPDATE ${s}."oidc_payload" SET "payload" = jsonb_set("payload", '{scope}', '"capabilities:invoke"') WHERE "model" = 'Client' AND "id" = 'demo-business-app'`,
    );
    await queryRunner.query(
      `ALTER TABLE ${s}."oidc_payload" ADD CONSTRAINT "CHK_oidc_payload_client_scope" CHECK ("model" <> 'Client' OR coalesce(jsonb_typeof("payload"->'scope') = 'string' AND btrim("payload"->>'scope') <> '', false)) NOT VALID`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."oidc_payload" DROP CONSTRAINT "CHK_oidc_payload_client_scope"`);
  }
}
