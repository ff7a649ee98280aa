import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 免申即享 / 政策直达: policies on the data platform's tags, the offers made to subjects, and the tag memberships heard. */
export class Policies1763901100000 implements MigrationInterface {
  name = 'Policies1763901100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."biz_policy" ("code" character varying(64) NOT NULL, "name" character varying(128) NOT NULL, "benefit" character varying(500) NOT NULL, "tag_code" character varying(64) NOT NULL, "bundle_code" character varying(64), "status" character varying(16) NOT NULL, CONSTRAINT "PK_biz_policy" PRIMARY KEY ("code"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_biz_policy_tag" ON ${s}."biz_policy"  ("tag_code") `);
    await queryRunner.query(
      `CREATE TABLE ${s}."biz_policy_offer" ("id" uuid NOT NULL, "policy_code" character varying(64) NOT NULL, "subject_key" character(64) NOT NULL, "status" character varying(16) NOT NULL, "tag_code" character varying(64) NOT NULL, "tag_version" integer NOT NULL, "offered_at" TIMESTAMP WITH TIME ZONE NOT NULL, "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "objection" character varying(500), CONSTRAINT "PK_biz_policy_offer" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_biz_policy_offer_subject" ON ${s}."biz_policy_offer"  ("subject_key") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_biz_policy_offer" ON ${s}."biz_policy_offer"  ("policy_code", "subject_key") `);
    await queryRunner.query(
      `CREATE TABLE ${s}."biz_tag_member" ("tag_code" character varying(64) NOT NULL, "subject_key" character(64) NOT NULL, "tag_version" integer NOT NULL, "since" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_biz_tag_member" PRIMARY KEY ("tag_code", "subject_key"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP TABLE ${s}."biz_tag_member"`);
    await queryRunner.query(`DROP INDEX ${s}."UQ_biz_policy_offer"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_biz_policy_offer_subject"`);
    await queryRunner.query(`DROP TABLE ${s}."biz_policy_offer"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_biz_policy_tag"`);
    await queryRunner.query(`DROP TABLE ${s}."biz_policy"`);
  }
}
