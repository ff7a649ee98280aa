import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Business-line apps: contacts and an optional IP allow-list. */
export class AppContactsIps1763802000000 implements MigrationInterface {
  name = 'AppContactsIps1763802000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."business_app" ADD "contacts" jsonb, ADD "allowed_ips" jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."business_app" DROP COLUMN "allowed_ips", DROP COLUMN "contacts"`);
  }
}
