// 工作日历 (working-day calendar): what other modules and the service definition may use. Everything else is internal.
export { CalendarModule } from './lib/calendar.module.js';
export { CALENDAR_ENTITIES, CALENDAR_MIGRATIONS } from './lib/calendar.schema.js';
export { ComputeDeadline } from './lib/usecases/compute-deadline/compute-deadline.usecase.js';
export { CountWorkingDays } from './lib/usecases/count-working-days/count-working-days.usecase.js';
