import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An async call made with a user's own token is that user's: the hash of the user is kept to check who reads it. */
export class AsyncCallOwner1763802300000 implements MigrationInterface {
  name = 'AsyncCallOwner1763802300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."async_call" ADD "owner_key" character(64)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."async_call" DROP COLUMN "owner_key"`);
  }
}
