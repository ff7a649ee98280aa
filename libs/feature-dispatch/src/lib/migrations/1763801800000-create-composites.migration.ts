import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Composite capabilities (组合能力): published definitions. */
export class CreateComposites1763801800000 implements MigrationInterface {
  name = 'CreateComposites1763801800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."composite" ("code" character varying(64) NOT NULL, "version" character varying(8) NOT NULL, "definition" jsonb NOT NULL, "source" text, "published_by" character varying(64) NOT NULL, "published_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_composite" PRIMARY KEY ("code", "version"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP TABLE ${s}."composite"`);
  }
}
