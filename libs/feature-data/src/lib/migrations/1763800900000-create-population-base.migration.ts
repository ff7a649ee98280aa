import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The population base library (人口基础库): keyed hash of the ID number, name, status, source. */
export class CreatePopulationBase1763800900000 implements MigrationInterface {
  name = 'CreatePopulationBase1763800900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."population_person" ("id_key" character(64) NOT NULL, "id_masked" character varying(32) NOT NULL, "name" character varying(64) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'normal', "source" character varying(64) NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b2c958bd929508b844d0758d4f5" PRIMARY KEY ("id_key"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP TABLE ${s}."population_person"`);
  }
}
