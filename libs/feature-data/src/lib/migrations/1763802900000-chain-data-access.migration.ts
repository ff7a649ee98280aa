import type { MigrationInterface, QueryRunner } from 'typeorm';

/** "Who used my data" as an SM3 hash chain: each record's place (seq) and link (chain_hash), sealed by the service. */
export class ChainDataAccess1763802900000 implements MigrationInterface {
  name = 'ChainDataAccess1763802900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."data_access_record" ADD "seq" bigint`);
    await queryRunner.query(`ALTER TABLE ${s}."data_access_record" ADD "chain_hash" character(64)`);
    await queryRunner.query(
      `CREATE INDEX "IDX_data_access_record_unsealed" ON ${s}."data_access_record"  ("recorded_at") WHERE seq IS NULL`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_data_access_record_seq" ON ${s}."data_access_record"  ("seq") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP INDEX ${s}."UQ_data_access_record_seq"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_data_access_record_unsealed"`);
    await queryRunner.query(`ALTER TABLE ${s}."data_access_record" DROP COLUMN "chain_hash"`);
    await queryRunner.query(`ALTER TABLE ${s}."data_access_record" DROP COLUMN "seq"`);
  }
}
