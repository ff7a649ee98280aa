import type { MigrationInterface, QueryRunner } from 'typeorm';

type Day = [date: string, kind: 'holiday' | 'workday', name: string];

/** Days of a holiday from first to last (inclusive). */
function span(first: string, last: string, name: string): Day[] {
  const days: Day[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += 86_400_000)
    days.push([new Date(t).toISOString().slice(0, 10), 'holiday', name]);
  return days;
}

/**
 * The arrangements published when this migration was written (docs: ../shared/STANDARDS.md,
 * "Working days"), as revision 1 of each year. Later years are published by ops through
 * PUT /internal/v1/calendar/years/:year — no release needed.
 */
const ARRANGEMENTS: { year: number; source: string; days: Day[] }[] = [
  {
    year: 2025,
    source: '国务院办公厅关于2025年部分节假日安排的通知',
    days: [
      ...span('2025-01-01', '2025-01-01', '元旦'),
      ['2025-01-26', 'workday', '春节'],
      ...span('2025-01-28', '2025-02-04', '春节'),
      ['2025-02-08', 'workday', '春节'],
      ...span('2025-04-04', '2025-04-06', '清明节'),
      ['2025-04-27', 'workday', '劳动节'],
      ...span('2025-05-01', '2025-05-05', '劳动节'),
      ...span('2025-05-31', '2025-06-02', '端午节'),
      ['2025-09-28', 'workday', '国庆节、中秋节'],
      ...span('2025-10-01', '2025-10-08', '国庆节、中秋节'),
      ['2025-10-11', 'workday', '国庆节、中秋节'],
    ],
  },
  {
    year: 2026,
    source: '国务院办公厅关于2026年部分节假日安排的通知',
    days: [
      ...span('2026-01-01', '2026-01-03', '元旦'),
      ['2026-01-04', 'workday', '元旦'],
      ['2026-02-14', 'workday', '春节'],
      ...span('2026-02-15', '2026-02-23', '春节'),
      ['2026-02-28', 'workday', '春节'],
      ...span('2026-04-04', '2026-04-06', '清明节'),
      ...span('2026-05-01', '2026-05-05', '劳动节'),
      ['2026-05-09', 'workday', '劳动节'],
      ...span('2026-06-19', '2026-06-21', '端午节'),
      ['2026-09-20', 'workday', '国庆节'],
      ...span('2026-09-25', '2026-09-27', '中秋节'),
      ...span('2026-10-01', '2026-10-07', '国庆节'),
      ['2026-10-10', 'workday', '国庆节'],
    ],
  },
];

/** The working-day calendar: published years (with revisions kept) and the days that differ from the weekday rule. */
export class CreateCalendar1763802500000 implements MigrationInterface {
  name = 'CreateCalendar1763802500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(
      `CREATE TABLE ${s}."calendar_year" ("year" integer NOT NULL, "revision" integer NOT NULL, "source" character varying(128) NOT NULL, "published_by" character varying(64) NOT NULL, "published_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_4a5f5b39f8e07f51dab5be6fed9" PRIMARY KEY ("year"))`,
    );
    await queryRunner.query(
      `CREATE TABLE ${s}."calendar_day" ("day" date NOT NULL, "year" integer NOT NULL, "kind" character varying(8) NOT NULL, "name" character varying(32) NOT NULL, CONSTRAINT "PK_0f0fd32432f4e23544a28c0562b" PRIMARY KEY ("day"))`,
    );
    await queryRunner.query(
      `CREATE TABLE ${s}."calendar_revision" ("year" integer NOT NULL, "revision" integer NOT NULL, "days" jsonb NOT NULL, "source" character varying(128) NOT NULL, "published_by" character varying(64) NOT NULL, "published_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_0b8ee7742f477887693d872a0fa" PRIMARY KEY ("year", "revision"))`,
    );
    for (const { year, source, days } of ARRANGEMENTS) {
      const entries = days.map(([date, kind, name]) => ({ date, kind, name }));
      await queryRunner.query(
        `INSERT INTO ${s}."calendar_day" ("day", "year", "kind", "name") SELECT d.date::date, $1, d.kind, d.name FROM jsonb_to_recordset($2::jsonb) AS d(date text, kind text, name text)`,
        [year, JSON.stringify(entries)],
      );
      await queryRunner.query(
        `INSERT INTO ${s}."calendar_revision" ("year", "revision", "days", "source", "published_by", "published_at") VALUES ($1, 1, $2::jsonb, $3, 'migration', now())`,
        [year, JSON.stringify(entries), source],
      );
      await queryRunner.query(
        `INSERT INTO ${s}."calendar_year" ("year", "revision", "source", "published_by", "published_at") VALUES ($1, 1, $2, 'migration', now())`,
        [year, source],
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${(queryRunner.connection.options as { schema: string }).schema}"`;
    await queryRunner.query(`DROP TABLE ${s}."calendar_revision"`);
    await queryRunner.query(`DROP TABLE ${s}."calendar_day"`);
    await queryRunner.query(`DROP TABLE ${s}."calendar_year"`);
  }
}
