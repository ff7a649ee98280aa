import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A year whose official holiday arrangement (放假安排) is published in the calendar, at its current revision. */
@Entity('calendar_year')
export class CalendarYear {
  @PrimaryColumn({ type: 'integer' }) year!: number;
  /** 1 for the first publication; each republication adds one. */
  @Column({ type: 'integer' }) revision!: number;
  /** The notice it comes from (e.g. 国办发明电〔2025〕7号). */
  @Column({ type: 'varchar', length: 128 }) source!: string;
  @Column({ name: 'published_by', type: 'varchar', length: 64 }) publishedBy!: string;
  @Column({ name: 'published_at', type: 'timestamptz' }) publishedAt!: Date;
}

/** One day that differs from the weekday rule: a holiday off work, or a weekend day worked (调休上班). */
@Entity('calendar_day')
export class CalendarDay {
  @PrimaryColumn({ type: 'date' }) day!: string;
  @Column({ type: 'integer' }) year!: number;
  @Column({ type: 'varchar', length: 8 }) kind!: 'holiday' | 'workday';
  @Column({ type: 'varchar', length: 32 }) name!: string;
}

/** Every arrangement ever published for a year, as published: who changed the calendar, when, and from what. */
@Entity('calendar_revision')
export class CalendarRevision {
  @PrimaryColumn({ type: 'integer' }) year!: number;
  @PrimaryColumn({ type: 'integer' }) revision!: number;
  @Column({ type: 'jsonb' }) days!: { date: string; kind: 'holiday' | 'workday'; name: string }[];
  @Column({ type: 'varchar', length: 128 }) source!: string;
  @Column({ name: 'published_by', type: 'varchar', length: 64 }) publishedBy!: string;
  @Column({ name: 'published_at', type: 'timestamptz' }) publishedAt!: Date;
}
