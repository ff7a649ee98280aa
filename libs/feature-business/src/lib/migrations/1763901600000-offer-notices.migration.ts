import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 政策直达: when each offer was pushed to the person's inbox (once). */
export class OfferNotices1763901600000 implements MigrationInterface {
  name = 'OfferNotices1763901600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy_offer" ADD "notified_at" TIMESTAMP WITH TIME ZONE`);
    // Offers made before pushes existed are not pushed now, weeks later: the person has seen them in 我的政策 already.
    await queryRunner.query(`UPDATE ${s}."biz_policy_offer" SET notified_at = offered_at`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy_offer" DROP COLUMN "notified_at"`);
  }
}
