import { Module } from '@nestjs/common';
import { ProviderBreakersModule } from '../invoke/provider-breakers.module.js';
import { DispatchMetricsService } from './dispatch-metrics.service.js';

/** Dispatch's own Prometheus series (calls, latency, circuits), on the service's /metrics (PlatformMetrics). */
@Module({
  imports: [ProviderBreakersModule],
  providers: [DispatchMetricsService],
  exports: [DispatchMetricsService],
})
export class MetricsModule {}
