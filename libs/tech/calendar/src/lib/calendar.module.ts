import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CalendarAdminController } from './calendar-admin.controller.js';
import { CalendarHandler } from './calendar.handler.js';
import { CALENDAR_ENTITIES } from './calendar.schema.js';
import { CalendarStoreService } from './calendar-store.service.js';
import { ComputeDeadline } from './usecases/compute-deadline/compute-deadline.usecase.js';
import { CountWorkingDays } from './usecases/count-working-days/count-working-days.usecase.js';
import { PublishCalendarYear } from './usecases/publish-calendar-year/publish-calendar-year.usecase.js';

/**
 * 工作日历 (working-day calendar): time limits in working days over the official holiday
 * arrangements, which ops publish per year. Other tech modules may use the two calculations.
 */
@Module({
  imports: [TypeOrmModule.forFeature(CALENDAR_ENTITIES)],
  controllers: [CalendarHandler, CalendarAdminController],
  providers: [CalendarStoreService, ComputeDeadline, CountWorkingDays, PublishCalendarYear],
  exports: [ComputeDeadline, CountWorkingDays],
})
export class CalendarModule {}
