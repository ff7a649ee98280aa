import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Policies versioned (each published version kept), with their eligibility and own rule; offers say under which version and since when. */
export class PolicyVersions1763901200000 implements MigrationInterface {
  name = 'PolicyVersions1763901200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."biz_policy_version" ("code" character varying(64) NOT NULL, "version" integer NOT NULL, "name" character varying(128) NOT NULL, "benefit" character varying(500) NOT NULL, "eligibility" character varying(500) NOT NULL, "tag_code" character varying(64) NOT NULL, "rule" character varying(2000), "tag_version" integer, "bundle_code" character varying(64), "status" character varying(16) NOT NULL, "published_by" character varying(128) NOT NULL, "published_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_biz_policy_version" PRIMARY KEY ("code", "version"))`,
    );
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy" ADD "version" integer NOT NULL DEFAULT '1'`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy" ADD "eligibility" character varying(500) NOT NULL DEFAULT ''`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy" ADD "rule" character varying(2000)`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy" ADD "tag_version" integer`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy" ADD "updated_by" character varying(128) NOT NULL DEFAULT 'demo-seed'`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy" ADD "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy_offer" ADD "policy_version" integer NOT NULL DEFAULT '1'`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy_offer" ADD "eligible_since" TIMESTAMP WITH TIME ZONE`);
    // The policies published before versions existed become their version 1.
    await queryRunner.query(
      `INSERT INTO ${s}."biz_policy_version" (code, version, name, benefit, eligibility, tag_code, rule, tag_version, bundle_code, status, published_by, published_at)
       SELECT code, 1, name, benefit, eligibility, tag_code, rule, tag_version, bundle_code, status, updated_by, updated_at FROM ${s}."biz_policy"`,
    );
    // Since when the subjects offered a policy hold its tag (as heard), for the offers' "why".
    await queryRunner.query(
      `UPDATE ${s}."biz_policy_offer" o SET eligible_since = m.since
         FROM ${s}."biz_tag_member" m WHERE m.tag_code = o.tag_code AND m.subject_key = o.subject_key`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy_offer" DROP COLUMN "eligible_since"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy_offer" DROP COLUMN "policy_version"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy" DROP COLUMN "updated_at"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy" DROP COLUMN "updated_by"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy" DROP COLUMN "tag_version"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy" DROP COLUMN "rule"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy" DROP COLUMN "eligibility"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_policy" DROP COLUMN "version"`);
    await queryRunner.query(`DROP TABLE ${s}."biz_policy_version"`);
  }
}
