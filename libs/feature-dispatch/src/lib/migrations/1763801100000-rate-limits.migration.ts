import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Rate limits (per second) and daily quotas per app and per app × capability (null: the default, or none). */
export class RateLimits1763801100000 implements MigrationInterface {
  name = 'RateLimits1763801100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    for (const table of ['business_app', 'capability_grant']) {
      await queryRunner.query(`ALTER TABLE ${s}."${table}" ADD "rate_per_second" integer`);
      await queryRunner.query(`ALTER TABLE ${s}."${table}" ADD "quota_per_day" integer`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    for (const table of ['capability_grant', 'business_app']) {
      await queryRunner.query(`ALTER TABLE ${s}."${table}" DROP COLUMN "quota_per_day"`);
      await queryRunner.query(`ALTER TABLE ${s}."${table}" DROP COLUMN "rate_per_second"`);
    }
  }
}
