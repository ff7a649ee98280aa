import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 跨域办: a case's 收件地 and 送达地, each part's 办理地 (GB/T 2260 codes; null on cases from before). */
export class CaseRegions1763901400000 implements MigrationInterface {
  name = 'CaseRegions1763901400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."biz_case" ADD "accept_region" character varying(6)`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case" ADD "delivery_region" character varying(6)`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" ADD "handling_region" character varying(6)`);
    // Parts from before: their matter's region, in the version their case's bundle was compiled against.
    // (Where the cases were received is not known: their 收件地 and 送达地 stay null and show as unknown.)
    await queryRunner.query(
      `UPDATE ${s}."biz_case_part" p SET handling_region = mv.definition->>'region'
         FROM ${s}."biz_case" c, ${s}."biz_bundle" b, ${s}."biz_matter_version" mv
        WHERE c.id = p.case_id AND b.code = c.bundle_code AND b.version = c.bundle_version
          AND mv.code = p.matter_code AND mv.version = (b.matter_versions->>p.matter_code)::int
          AND p.handling_region IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."biz_case_part" DROP COLUMN "handling_region"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case" DROP COLUMN "delivery_region"`);
    await queryRunner.query(`ALTER TABLE ${s}."biz_case" DROP COLUMN "accept_region"`);
  }
}
