import { Module } from '@nestjs/common';
import { ProviderBreakersModule } from '../invoke/provider-breakers.module.js';
import { DispatchMetricsService } from './dispatch-metrics.service.js';
import { MetricsController } from './metrics.controller.js';

/** Prometheus metrics of this dispatch instance (/metrics). */
@Module({
  imports: [ProviderBreakersModule],
  controllers: [MetricsController],
  providers: [DispatchMetricsService],
  exports: [DispatchMetricsService],
})
export class MetricsModule {}
