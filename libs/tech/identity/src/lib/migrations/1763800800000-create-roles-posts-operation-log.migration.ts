import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Roles with permissions and data scope (the built-in three seeded), posts, the operation log,
 * the shared login throttle; staff accounts get posts, an enabled flag, the last TOTP step
 * accepted, and lower-case account names. Data scope moves from the account to its roles.
 */
export class CreateRolesPostsOperationLog1763800800000 implements MigrationInterface {
  name = 'CreateRolesPostsOperationLog1763800800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."role" ("code" character varying(32) NOT NULL, "name" character varying(64) NOT NULL, "permissions" text array NOT NULL, "data_scope" character varying(16) NOT NULL, "custom_department_ids" uuid array NOT NULL DEFAULT '{}', "built_in" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ee999bb389d7ac0fd967172c41f" PRIMARY KEY ("code"))`,
    );
    await queryRunner.query(
      `INSERT INTO ${s}."role" (code, name, permissions, data_scope, built_in) VALUES
         ('identity-admin', '身份管理员 (identity administrator)', '{identity:admin}', 'all', true),
         ('security-auditor', '安全审计员 (security auditor)', '{audit:read}', 'all', true),
         ('operator', '业务经办人员 (operator)', '{case:handle,data:read}', 'dept_and_below', true)`,
    );
    await queryRunner.query(
      `CREATE TABLE ${s}."post" ("id" uuid NOT NULL, "department_id" uuid NOT NULL, "code" character varying(32) NOT NULL, "name" character varying(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_be5fda3aac270b134ff9c21cdee" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_post_department_code" ON ${s}."post"  ("department_id", "code") `);
    await queryRunner.query(
      `CREATE TABLE ${s}."operation_log" ("id" uuid NOT NULL, "operator" character varying(64) NOT NULL, "action" character varying(64) NOT NULL, "target" character varying(128), "outcome" character varying(16) NOT NULL, "detail" character varying(512), "remote_address" character varying(64), "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2115426c3f66dd38e22ea683b12" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_operation_log_at" ON ${s}."operation_log"  ("at") `);
    await queryRunner.query(
      `CREATE TABLE ${s}."login_throttle" ("key" character varying(255) NOT NULL, "points" integer NOT NULL DEFAULT '0', "expire" bigint, CONSTRAINT "PK_14c03bac82292a8310c54cb98d0" PRIMARY KEY ("key"))`,
    );
    await queryRunner.query(`ALTER TABLE ${s}."staff_account" DROP COLUMN "custom_department_ids"`);
    await queryRunner.query(`ALTER TABLE ${s}."staff_account" DROP COLUMN "data_scope"`);
    await queryRunner.query(`ALTER TABLE ${s}."staff_account" ADD "post_ids" uuid array NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE ${s}."staff_account" ADD "enabled" boolean NOT NULL DEFAULT true`);
    await queryRunner.query(`ALTER TABLE ${s}."staff_account" ADD "totp_last_step" bigint`);
    await queryRunner.query(`UPDATE ${s}."staff_account" SET username = lower(username) WHERE username <> lower(username)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."staff_account" DROP COLUMN "totp_last_step"`);
    await queryRunner.query(`ALTER TABLE ${s}."staff_account" DROP COLUMN "enabled"`);
    await queryRunner.query(`ALTER TABLE ${s}."staff_account" DROP COLUMN "post_ids"`);
    await queryRunner.query(`ALTER TABLE ${s}."staff_account" ADD "data_scope" character varying(16) NOT NULL DEFAULT 'self'`);
    await queryRunner.query(`UPDATE ${s}."staff_account" a SET data_scope = r.data_scope FROM ${s}."role" r WHERE r.code = a.roles[1]`);
    await queryRunner.query(`ALTER TABLE ${s}."staff_account" ALTER COLUMN "data_scope" DROP DEFAULT`);
    await queryRunner.query(`ALTER TABLE ${s}."staff_account" ADD "custom_department_ids" uuid array NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`DROP TABLE ${s}."login_throttle"`);
    await queryRunner.query(`DROP INDEX ${s}."IDX_operation_log_at"`);
    await queryRunner.query(`DROP TABLE ${s}."operation_log"`);
    await queryRunner.query(`DROP INDEX ${s}."UQ_post_department_code"`);
    await queryRunner.query(`DROP TABLE ${s}."post"`);
    await queryRunner.query(`DROP TABLE ${s}."role"`);
  }
}
