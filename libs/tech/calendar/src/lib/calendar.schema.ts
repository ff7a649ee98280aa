import { CalendarDay, CalendarRevision, CalendarYear } from './calendar.entities.js';
import { CreateCalendar1763802500000 } from './migrations/1763802500000-create-calendar.migration.js';

/** The tables the working-day calendar module owns; no other module reads or writes them. */
export const CALENDAR_ENTITIES = [CalendarYear, CalendarDay, CalendarRevision];

/** Its migrations, each with up and down. */
export const CALENDAR_MIGRATIONS = [CreateCalendar1763802500000];
