import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A caller's key per notification: one notification per app and key (a retried request answers the first). */
export class NotificationDedupKeys1763802700000 implements MigrationInterface {
  name = 'NotificationDedupKeys1763802700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."notification" ADD "dedup_key" character varying(128)`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_notification_dedup" ON ${s}."notification"  ("app", "dedup_key") WHERE dedup_key IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP INDEX ${s}."UQ_notification_dedup"`);
    await queryRunner.query(`ALTER TABLE ${s}."notification" DROP COLUMN "dedup_key"`);
  }
}
