import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Idempotency records name the claim that holds them: a stalled first caller cannot overwrite a takeover's answer. */
export class IdempotencyClaims1763802100000 implements MigrationInterface {
  name = 'IdempotencyClaims1763802100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."idempotency_record" ADD "claim_id" uuid`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."idempotency_record" DROP COLUMN "claim_id"`);
  }
}
