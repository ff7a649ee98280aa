import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InternalApiGuard } from '@gmp/service-kit';
import { DispatchMetricsService } from './dispatch-metrics.service.js';

/** GET /metrics: this dispatch instance's Prometheus metrics (X-Internal-Token). */
@ApiTags('operations 运维')
@Controller('metrics')
@UseGuards(InternalApiGuard)
export class MetricsController {
  constructor(private readonly metrics: DispatchMetricsService) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus 指标 (Prometheus metrics; X-Internal-Token)' })
  @ApiHeader({ name: 'X-Internal-Token', required: true })
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
