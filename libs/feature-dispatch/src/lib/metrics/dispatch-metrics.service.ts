import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { PlatformMetrics } from '@gmp/service-kit';
import { ProviderBreakersService } from '../invoke/provider-breakers.service.js';

const STATE = { closed: 0, 'half-open': 1, open: 2 } as const;

/** Dispatch's series on the instance's /metrics: calls and latency per app × capability × outcome, circuit states. */
@Injectable()
export class DispatchMetricsService {
  private readonly calls: Counter<'app' | 'capability' | 'operation' | 'status' | 'code'>;
  private readonly latency: Histogram<'app' | 'capability' | 'operation'>;

  constructor(breakers: ProviderBreakersService, metrics: PlatformMetrics) {
    const registers = [metrics.registry];
    this.calls = new Counter({
      name: 'gmp_dispatch_calls_total',
      help: 'Calls through dispatch by app, capability, operation, HTTP status and problem code',
      labelNames: ['app', 'capability', 'operation', 'status', 'code'],
      registers,
    });
    this.latency = new Histogram({
      name: 'gmp_dispatch_call_duration_seconds',
      help: 'Time from request to answer',
      labelNames: ['app', 'capability', 'operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    new Gauge({
      name: 'gmp_dispatch_circuit_state',
      help: 'Circuit breaker per provider topic: 0 closed, 1 half-open, 2 open',
      labelNames: ['provider'],
      registers,
      collect() {
        for (const [provider, state] of Object.entries(breakers.states())) this.set({ provider }, STATE[state]);
      },
    });
  }

  observe(c: {
    app: string | null;
    capability: string | null;
    operation: string;
    status: number;
    code: string | null;
    latencyMs: number;
  }): void {
    // Unauthenticated attempts are counted under one label, not under whatever name they claimed.
    const app = c.app === null || c.app.startsWith('?') ? '(unauthenticated)' : c.app;
    const capability = c.capability ?? '';
    this.calls.inc({ app, capability, operation: c.operation, status: String(c.status), code: c.code ?? '' });
    this.latency.observe({ app, capability, operation: c.operation }, c.latencyMs / 1000);
  }
}
