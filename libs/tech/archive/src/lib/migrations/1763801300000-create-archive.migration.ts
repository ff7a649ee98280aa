import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * E-archive: packages, hash-chained entries, signing keys; triggers refuse any update of an
 * archived record and any deletion before the end of its retention period.
 */
export class CreateArchive1763801300000 implements MigrationInterface {
  name = 'CreateArchive1763801300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."archive_package" ("id" uuid NOT NULL, "app" character varying(64) NOT NULL, "case_id" character varying(64) NOT NULL, "title" character varying(128) NOT NULL, "entry_count" integer NOT NULL, "head_hash" character(64) NOT NULL, "signature" text NOT NULL, "key_id" character varying(36) NOT NULL, "retention_years" integer, "retain_until" TIMESTAMP WITH TIME ZONE, "deposited_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_e1371b04b7a70c1432087c8e38d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_archive_package_case" ON ${s}."archive_package"  ("app", "case_id") `);
    await queryRunner.query(
      `CREATE TABLE ${s}."archive_entry" ("package_id" uuid NOT NULL, "seq" integer NOT NULL, "kind" character varying(16) NOT NULL, "title" character varying(128) NOT NULL, "record" jsonb, "file_id" uuid, "content_hash" character(64) NOT NULL, "prev_hash" character(64) NOT NULL, "entry_hash" character(64) NOT NULL, CONSTRAINT "PK_aee92cd56f3d5b9b2fd9507a64b" PRIMARY KEY ("package_id", "seq"))`,
    );
    await queryRunner.query(
      `CREATE TABLE ${s}."archive_signing_key" ("id" character varying(36) NOT NULL, "public_key" character varying(130) NOT NULL, "private_key" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d5062cc383302219c0a6b528984" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE FUNCTION ${s}.archive_package_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' THEN RAISE EXCEPTION '档案不可修改 (an archived package cannot be changed)'; END IF;
        IF OLD.retain_until IS NULL OR OLD.retain_until > now() THEN RAISE EXCEPTION '保管期限未满，不得删除 (retention period not over)'; END IF;
        RETURN OLD;
      END $$`);
    await queryRunner.query(`CREATE FUNCTION ${s}.archive_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE kept boolean;
      BEGIN
        IF TG_OP = 'UPDATE' THEN RAISE EXCEPTION '档案不可修改 (an archived record cannot be changed)'; END IF;
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.archive_package WHERE id = $1 AND (retain_until IS NULL OR retain_until > now()))', TG_TABLE_SCHEMA) INTO kept USING OLD.package_id;
        IF kept THEN RAISE EXCEPTION '保管期限未满，不得删除 (retention period not over)'; END IF;
        RETURN OLD;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER archive_package_guard BEFORE UPDATE OR DELETE ON ${s}."archive_package" FOR EACH ROW EXECUTE FUNCTION ${s}.archive_package_guard()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER archive_entry_guard BEFORE UPDATE OR DELETE ON ${s}."archive_entry" FOR EACH ROW EXECUTE FUNCTION ${s}.archive_entry_guard()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP TRIGGER archive_entry_guard ON ${s}."archive_entry"`);
    await queryRunner.query(`DROP TRIGGER archive_package_guard ON ${s}."archive_package"`);
    await queryRunner.query(`DROP FUNCTION ${s}.archive_entry_guard()`);
    await queryRunner.query(`DROP FUNCTION ${s}.archive_package_guard()`);
    await queryRunner.query(`DROP TABLE ${s}."archive_signing_key"`);
    await queryRunner.query(`DROP TABLE ${s}."archive_entry"`);
    await queryRunner.query(`DROP INDEX ${s}."UQ_archive_package_case"`);
    await queryRunner.query(`DROP TABLE ${s}."archive_package"`);
  }
}
