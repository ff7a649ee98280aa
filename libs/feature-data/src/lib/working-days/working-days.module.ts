import { Module } from '@nestjs/common';
import { WorkingDaysService } from './working-days.service.js';

/** Working-day deadlines (the platform's one calendar, over Kafka) for sharing answers and correction requests. */
@Module({
  providers: [WorkingDaysService],
  exports: [WorkingDaysService],
})
export class WorkingDaysModule {}
