import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The call audit: hash-chained entries per dispatch instance and the chains' heads. A trigger
 * refuses updates of entries and deletes younger than 180 days (the floor of any retention).
 */
export class CreateCallAudit1763801200000 implements MigrationInterface {
  name = 'CreateCallAudit1763801200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."call_audit_chain" ("id" uuid NOT NULL, "writer" character varying(128) NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_seq" bigint NOT NULL DEFAULT 0, "last_hash" character(64) NOT NULL, "anchor_seq" bigint NOT NULL DEFAULT 0, "anchor_hash" character(64) NOT NULL, CONSTRAINT "PK_call_audit_chain" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE ${s}."call_audit" ("chain_id" uuid NOT NULL, "seq" bigint NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "app" character varying(80), "capability" character varying(64), "operation" character varying(16) NOT NULL, "end_user" character varying(128), "purpose" character varying(256), "case_id" character varying(64), "correlation_id" character varying(128), "status" smallint NOT NULL, "code" character varying(64), "latency_ms" integer NOT NULL, "request_hash" character(64) NOT NULL, "prev_hash" character(64) NOT NULL, "hash" character(64) NOT NULL, CONSTRAINT "PK_call_audit" PRIMARY KEY ("chain_id", "seq"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_call_audit_app_at" ON ${s}."call_audit" ("app", "at")`);
    await queryRunner.query(`CREATE FUNCTION ${s}.call_audit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' THEN RAISE EXCEPTION '调用审计记录不可修改 (call audit entries cannot be changed)'; END IF;
        IF OLD.at > now() - interval '180 days' THEN RAISE EXCEPTION '调用审计记录保存未满 180 天，不可删除 (call audit entries are kept at least 180 days)'; END IF;
        RETURN OLD;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER call_audit_guard BEFORE UPDATE OR DELETE ON ${s}."call_audit" FOR EACH ROW EXECUTE FUNCTION ${s}.call_audit_guard()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP TRIGGER call_audit_guard ON ${s}."call_audit"`);
    await queryRunner.query(`DROP FUNCTION ${s}.call_audit_guard()`);
    await queryRunner.query(`DROP TABLE ${s}."call_audit"`);
    await queryRunner.query(`DROP TABLE ${s}."call_audit_chain"`);
  }
}
