import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Licence catalogue, licences and their access log. */
export class CreateLicenceTables1763800100000 implements MigrationInterface {
  name = 'CreateLicenceTables1763800100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."licence_access_log" ("event_id" uuid NOT NULL, "subject_key" character(64) NOT NULL, "app" character varying(64) NOT NULL, "end_user" character varying(128), "purpose" character varying(256), "case_id" character varying(64), "correlation_id" character varying(128) NOT NULL, "licence_count" integer NOT NULL, "accessed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_96c7dfe83118cc0381c5d8075d8" PRIMARY KEY ("event_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_licence_access_log_subject" ON ${s}."licence_access_log"  ("subject_key") `);
    await queryRunner.query(
      `CREATE TABLE ${s}."licence_type" ("code" character varying(21) NOT NULL, "name" character varying(128) NOT NULL, "defining_authority_code" character varying(18) NOT NULL, "defining_authority_name" character varying(128) NOT NULL, "holder_type" character varying(16) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_85c08db97ec2e41ec9ef9c497cf" PRIMARY KEY ("code"))`,
    );
    await queryRunner.query(
      `CREATE TABLE ${s}."licence" ("licence_id" character varying(128) NOT NULL, "type_code" character varying(21) NOT NULL, "number" character varying(64) NOT NULL, "holder_name" character varying(128) NOT NULL, "holder_type" character varying(16) NOT NULL, "holder_key" character(64) NOT NULL, "holder_id_masked" character varying(32) NOT NULL, "issuer_code" character varying(18) NOT NULL, "issuer_name" character varying(128) NOT NULL, "issue_date" date NOT NULL, "valid_until" date, "status" character varying(16) NOT NULL DEFAULT 'valid', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7c1bf49b75c0ed136a349160b36" PRIMARY KEY ("licence_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_licence_holder_key" ON ${s}."licence"  ("holder_key") `);
    await queryRunner.query(
      `ALTER TABLE ${s}."licence" ADD CONSTRAINT "FK_85c08db97ec2e41ec9ef9c497cf" FOREIGN KEY ("type_code") REFERENCES ${s}."licence_type"("code") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."licence" DROP CONSTRAINT "FK_85c08db97ec2e41ec9ef9c497cf"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_licence_holder_key"`);
    await queryRunner.query(`DROP TABLE ${s}."licence"`);
    await queryRunner.query(`DROP TABLE ${s}."licence_type"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_licence_access_log_subject"`);
    await queryRunner.query(`DROP TABLE ${s}."licence_access_log"`);
  }
}
