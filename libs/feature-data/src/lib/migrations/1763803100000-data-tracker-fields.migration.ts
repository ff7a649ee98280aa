import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * "Who used my data" in the shape of Estonia's Data Tracker: the reading department, the
 * processing type, a bulk flag, and a hidden-until time with its reason (reads under a grant whose
 * owner approved concealing them — the grant's hide_reads_days and hide_reason).
 */
export class DataTrackerFields1763803100000 implements MigrationInterface {
  name = 'DataTrackerFields1763803100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."data_access_record" ADD "department" character varying(64)`);
    await queryRunner.query(`ALTER TABLE ${s}."data_access_record" ADD "processing" character varying(32)`);
    await queryRunner.query(`ALTER TABLE ${s}."data_access_record" ADD "bulk" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE ${s}."data_access_record" ADD "hidden_until" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE ${s}."data_access_record" ADD "hidden_reason" character varying(256)`);
    await queryRunner.query(`ALTER TABLE ${s}."data_share" ADD "hide_reads_days" integer`);
    await queryRunner.query(`ALTER TABLE ${s}."data_share" ADD "hide_reason" character varying(256)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."data_share" DROP COLUMN "hide_reason"`);
    await queryRunner.query(`ALTER TABLE ${s}."data_share" DROP COLUMN "hide_reads_days"`);
    await queryRunner.query(`ALTER TABLE ${s}."data_access_record" DROP COLUMN "hidden_reason"`);
    await queryRunner.query(`ALTER TABLE ${s}."data_access_record" DROP COLUMN "hidden_until"`);
    await queryRunner.query(`ALTER TABLE ${s}."data_access_record" DROP COLUMN "bulk"`);
    await queryRunner.query(`ALTER TABLE ${s}."data_access_record" DROP COLUMN "processing"`);
    await queryRunner.query(`ALTER TABLE ${s}."data_access_record" DROP COLUMN "department"`);
  }
}
