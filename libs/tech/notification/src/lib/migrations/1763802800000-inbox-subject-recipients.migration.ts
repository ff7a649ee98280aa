import type { MigrationInterface, QueryRunner } from 'typeorm';

/** In-app messages may be addressed to a person by subject key (`subject:<64 hex>`, 72 characters). */
export class InboxSubjectRecipients1763802800000 implements MigrationInterface {
  name = 'InboxSubjectRecipients1763802800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`ALTER TABLE ${s}."inbox_message" ALTER COLUMN "subject" TYPE character varying(80)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    // Messages to subject keys do not fit the narrower column: they go with the feature.
    await queryRunner.query(`DELETE FROM ${s}."inbox_message" WHERE length(subject) > 64`);
    await queryRunner.query(`ALTER TABLE ${s}."inbox_message" ALTER COLUMN "subject" TYPE character varying(64)`);
  }
}
