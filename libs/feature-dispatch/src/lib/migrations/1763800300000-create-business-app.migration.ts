import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Business-line apps and their credentials. */
export class CreateBusinessApp1763800300000 implements MigrationInterface {
  name = 'CreateBusinessApp1763800300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."business_app" ("id" uuid NOT NULL, "app_key" character varying(64) NOT NULL, "name" character varying(128) NOT NULL, "owner_department" character varying(128) NOT NULL, "secret_hash" character varying(255) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'active', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_957aaa3bc92751d366fb56c5a82" UNIQUE ("app_key"), CONSTRAINT "PK_c68e3cfc1cc3110c92ae71a1d1f" PRIMARY KEY ("id"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP TABLE ${s}."business_app"`);
  }
}
