import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Lock-out moves to the shared name-keyed throttle (the same for unknown names): the account columns go. */
export class LockOutInThrottle1763801400000 implements MigrationInterface {
  name = 'LockOutInThrottle1763801400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."person_account" DROP COLUMN "failed_logins"`);
    await queryRunner.query(`ALTER TABLE ${s}."person_account" DROP COLUMN "locked_until"`);
    await queryRunner.query(`ALTER TABLE ${s}."staff_account" DROP COLUMN "failed_logins"`);
    await queryRunner.query(`ALTER TABLE ${s}."staff_account" DROP COLUMN "locked_until"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."staff_account" ADD "locked_until" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE ${s}."staff_account" ADD "failed_logins" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE ${s}."person_account" ADD "locked_until" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE ${s}."person_account" ADD "failed_logins" integer NOT NULL DEFAULT '0'`);
  }
}
