import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Closes what the row triggers of the call audit left open: TRUNCATE of the entries, and the
 * chain heads — never deleted, their last sequence number and anchor only ever move forward.
 */
export class GuardCallAuditChains1763801700000 implements MigrationInterface {
  name = 'GuardCallAuditChains1763801700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`CREATE FUNCTION ${s}.call_audit_truncate_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION '调用审计不可清空 (the call audit cannot be truncated)'; END $$`);
    await queryRunner.query(
      `CREATE TRIGGER call_audit_truncate_guard BEFORE TRUNCATE ON ${s}."call_audit" FOR EACH STATEMENT EXECUTE FUNCTION ${s}.call_audit_truncate_guard()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER call_audit_chain_truncate_guard BEFORE TRUNCATE ON ${s}."call_audit_chain" FOR EACH STATEMENT EXECUTE FUNCTION ${s}.call_audit_truncate_guard()`,
    );
    await queryRunner.query(`CREATE FUNCTION ${s}.call_audit_chain_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN RAISE EXCEPTION '调用审计链不可删除 (call audit chains cannot be deleted)'; END IF;
        IF NEW.id <> OLD.id OR NEW.last_seq < OLD.last_seq OR NEW.anchor_seq < OLD.anchor_seq THEN
          RAISE EXCEPTION '调用审计链只能向前 (a call audit chain only moves forward)';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER call_audit_chain_guard BEFORE UPDATE OR DELETE ON ${s}."call_audit_chain" FOR EACH ROW EXECUTE FUNCTION ${s}.call_audit_chain_guard()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP TRIGGER call_audit_chain_guard ON ${s}."call_audit_chain"`);
    await queryRunner.query(`DROP FUNCTION ${s}.call_audit_chain_guard()`);
    await queryRunner.query(`DROP TRIGGER call_audit_chain_truncate_guard ON ${s}."call_audit_chain"`);
    await queryRunner.query(`DROP TRIGGER call_audit_truncate_guard ON ${s}."call_audit"`);
    await queryRunner.query(`DROP FUNCTION ${s}.call_audit_truncate_guard()`);
  }
}
