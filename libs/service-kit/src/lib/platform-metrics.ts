import { Controller, Get, Header, Injectable, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { HandlingOutcome, MessagingMetrics } from '@gmp/messaging';
import { InternalApiGuard } from './internal-api.guard.js';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The Prometheus metrics of one service instance (GET /metrics, X-Internal-Token): the process
 * (`gmp_process_*`, `gmp_nodejs_*`), HTTP requests by route, consumed Kafka records by topic,
 * type and outcome, dead letters, the outbox backlog, and whatever the service's modules add
 * to `registry` (dispatch's calls and circuits, the business platform's cases by state). Every
 * series carries `service`. Injectable everywhere (the service's global configuration module).
 */
@Injectable()
export class PlatformMetrics implements MessagingMetrics {
  readonly registry = new Registry();
  private readonly http: Histogram<'method' | 'route' | 'status'>;
  private readonly records: Histogram<'topic' | 'type' | 'outcome'>;
  private readonly deadLetters: Counter<'topic'>;
  private readonly consumerLag: Gauge<'topic' | 'partition'>;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry, prefix: 'gmp_' });
    const registers = [this.registry];
    this.http = new Histogram({
      name: 'gmp_http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern and status, and how long they took',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.records = new Histogram({
      name: 'gmp_kafka_handler_duration_seconds',
      help: 'Kafka records consumed by topic, message type and outcome (ok, failed, invalid, expired), and how long handling took',
      labelNames: ['topic', 'type', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.deadLetters = new Counter({
      name: 'gmp_kafka_dead_letters_total',
      help: 'Records copied to the dead-letter topic, by the topic they came from',
      labelNames: ['topic'],
      registers,
    });
    this.consumerLag = new Gauge({
      name: 'gmp_kafka_consumer_lag_records',
      help: "Records not yet handled in each partition this instance consumes (high watermark minus position), as of its last fetch; the group's lag is the sum over instances",
      labelNames: ['topic', 'partition'],
      registers,
    });
  }

  /** One HTTP request: `route` is the route's pattern (`/v1/cases/:id`), never the raw path. */
  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.http.observe({ method, route, status: String(status) }, seconds);
  }

  handled(topic: string, type: string, outcome: HandlingOutcome, seconds: number): void {
    this.records.observe({ topic, type, outcome }, seconds);
  }

  deadLettered(topic: string): void {
    this.deadLetters.inc({ topic });
  }

  lag(topic: string, partition: number, records: number): void {
    this.consumerLag.set({ topic, partition: String(partition) }, Math.max(0, records));
  }

  lagReset(): void {
    this.consumerLag.reset();
  }

  /** A gauge read at each scrape (`collect` sets its values); a failing read leaves the series out of that scrape. */
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    collect: (set: (labels: Record<L, string>, value: number) => void) => Promise<void>,
  ): void {
    new Gauge({
      name,
      help,
      labelNames: [...labelNames],
      registers: [this.registry],
      async collect() {
        this.reset();
        await collect((labels, value) => this.set(labels as never, value)).catch(() => undefined);
      },
    });
  }
}

/** GET /metrics: this instance's Prometheus metrics (X-Internal-Token). */
@ApiTags('operations 运维')
@Controller('metrics')
@UseGuards(InternalApiGuard)
export class MetricsController {
  constructor(private readonly metrics: PlatformMetrics) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus 指标 (Prometheus metrics; X-Internal-Token)' })
  @ApiHeader({ name: 'X-Internal-Token', required: true })
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
