import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Offers followed up one by one: a failing push or apply-free case waits with backoff; the sweeps' partial indexes. */
export class OfferFollowUps1763901700000 implements MigrationInterface {
  name = 'OfferFollowUps1763901700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy_offer" ADD "follow_up_attempts" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy_offer" ADD "follow_up_after" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `CREATE INDEX "IDX_biz_policy_offer_caseless" ON ${s}."biz_policy_offer"  ("offered_at") WHERE status = 'offered' AND case_no IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_biz_policy_offer_unpushed" ON ${s}."biz_policy_offer"  ("offered_at") WHERE status = 'offered' AND notified_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP INDEX ${s}."IDX_biz_policy_offer_unpushed"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_biz_policy_offer_caseless"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy_offer" DROP COLUMN "follow_up_after"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy_offer" DROP COLUMN "follow_up_attempts"`);
  }
}
