import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Legal persons (法人) and their agents' authorisations (经办人授权). */
export class CreateLegalPersonsAndAgents1763800600000 implements MigrationInterface {
  name = 'CreateLegalPersonsAndAgents1763800600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."agent_authorisation" ("id" uuid NOT NULL, "legal_person_id" uuid NOT NULL, "agent_account_id" uuid NOT NULL, "scopes" text array NOT NULL, "valid_until" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "granted_by" character varying(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4982a518d9aa6811870fac62957" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_agent_authorisation_pair" ON ${s}."agent_authorisation"  ("legal_person_id", "agent_account_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE ${s}."legal_person" ("id" uuid NOT NULL, "code_key" character(64) NOT NULL, "credit_code" character varying(18) NOT NULL, "name" character varying(128) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_a818544bd5fcc5fa0cd7735d464" UNIQUE ("code_key"), CONSTRAINT "PK_f74fd434bd5c87419aedfd683b7" PRIMARY KEY ("id"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP TABLE ${s}."legal_person"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_agent_authorisation_pair"`);
    await queryRunner.query(`DROP TABLE ${s}."agent_authorisation"`);
  }
}
