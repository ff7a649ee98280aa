import { Injectable, Logger } from '@nestjs/common';
import CircuitBreaker from 'opossum';
import type { CapabilityDescriptor } from '@gmp/contracts';
import { ProviderError, ProviderTimeoutError } from '@gmp/messaging';
import { ProblemException } from '@gmp/service-kit';
import { InvokeProblem } from './invoke.problems.js';
import { DispatchConfig } from '../dispatch.config.js';

/** The provider failed (not a refusal): these count against its circuit. */
function isFailure(err: unknown): boolean {
  if ((err as { notCounted?: boolean } | null)?.notCounted) return false;
  if (err instanceof ProviderTimeoutError) return true;
  if (err instanceof ProviderError) return !err.error || err.error.status >= 500;
  // A proxied upstream's refusal (4xx) is an answer, not a failure.
  if (err instanceof ProblemException) return err.getStatus() >= 500;
  return true;
}

/** At most this many breakers are kept; closed ones are dropped first when it is reached. */
const MAX_BREAKERS = 20_000;

/**
 * One circuit breaker (opossum) per provider topic **and calling app** in this dispatch
 * instance: when a provider keeps failing or timing out for an app, that app's calls to it are
 * refused at once (503 CIRCUIT_OPEN, Retry-After) instead of piling up, and one trial call after
 * DISPATCH_BREAKER_RESET_MS decides whether it is back. Refusals by the provider (4xx) do not
 * count. Keyed by app so that one app's requests — however malformed — can never open a circuit
 * for another app; a provider that is really down opens every app's circuit after its own
 * DISPATCH_BREAKER_VOLUME calls.
 */
@Injectable()
export class ProviderBreakersService {
  private readonly log = new Logger('ProviderBreakers');
  private readonly breakers = new Map<string, CircuitBreaker<[() => Promise<unknown>], unknown>>();

  constructor(private readonly config: DispatchConfig) {}

  /**
   * Calls through the provider's breaker within the capability's timeout. For operations the
   * catalogue marks idempotent, a failure that comes back fast (the transport failed, or the
   * provider failed with a 5xx other than PROVIDER_UNAVAILABLE) is tried once more with the
   * time left. A timeout uses up the budget: it is not retried.
   */
  async fire<T>(
    capability: CapabilityDescriptor,
    app: string,
    call: (timeoutMs: number) => Promise<T>,
    o: { budgetMs?: number } = {},
  ): Promise<T> {
    const breaker = this.breakerOf(capability.topic, app);
    const budget = Math.min(o.budgetMs ?? capability.timeoutMs, capability.timeoutMs);
    const deadline = Date.now() + budget;
    // A caller's shorter budget (a composite's step) running out says nothing about the provider: not counted.
    const shortened = budget < capability.timeoutMs;
    const attempt = async (timeoutMs: number): Promise<T> => {
      try {
        return (await breaker.fire(() =>
          call(timeoutMs).catch((err: unknown) => {
            const timedOut = err instanceof ProviderTimeoutError || (err instanceof ProblemException && err.getStatus() === 504);
            if (shortened && timedOut && err && typeof err === 'object') Object.assign(err, { notCounted: true });
            throw err;
          }),
        )) as T;
      } catch (err) {
        if ((err as { code?: string }).code === 'EOPENBREAKER') {
          throw InvokeProblem.CIRCUIT_OPEN(
            `${capability.code} 的提供方近期连续失败，稍后再试 (the provider kept failing; try again later)`,
          ).withHeaders({ 'Retry-After': String(Math.ceil(this.config.DISPATCH_BREAKER_RESET_MS / 1000)) });
        }
        throw err;
      }
    };
    try {
      return await attempt(budget);
    } catch (err) {
      // PROVIDER_UNAVAILABLE is the provider's own answer (a dependency of its is down): not retried.
      const failed = err instanceof ProviderError && (!err.error || (err.error.status >= 500 && err.error.code !== 'PROVIDER_UNAVAILABLE'));
      const left = deadline - Date.now();
      if (!failed || !capability.idempotent || left < 100) throw err;
      this.log.warn(`重试 (retrying) ${capability.code} within ${left} ms: ${(err as Error).message}`);
      return attempt(left);
    }
  }

  /** Per provider topic, the worst state of its apps' breakers: open, half-open or closed (for health and metrics). */
  states(): Record<string, 'open' | 'half-open' | 'closed'> {
    const rank = { closed: 0, 'half-open': 1, open: 2 } as const;
    const out: Record<string, 'open' | 'half-open' | 'closed'> = {};
    for (const [key, b] of this.breakers) {
      const topic = key.slice(0, key.indexOf('\u0000'));
      const state = b.opened ? 'open' : b.halfOpen ? 'half-open' : 'closed';
      if (!out[topic] || rank[state] > rank[out[topic]]) out[topic] = state;
    }
    return out;
  }

  /** Open or half-open breakers, as `{ topic, app, state }` (for metrics and the security suites). */
  notClosed(): { topic: string; app: string; state: 'open' | 'half-open' }[] {
    return [...this.breakers]
      .filter(([, b]) => b.opened || b.halfOpen)
      .map(([key, b]) => ({
        topic: key.slice(0, key.indexOf('\u0000')),
        app: key.slice(key.indexOf('\u0000') + 1),
        state: b.opened ? ('open' as const) : ('half-open' as const),
      }));
  }

  private breakerOf(topic: string, app: string): CircuitBreaker<[() => Promise<unknown>], unknown> {
    const key = `${topic}\u0000${app}`;
    let breaker = this.breakers.get(key);
    if (!breaker) {
      if (this.breakers.size >= MAX_BREAKERS) this.evictClosed();
      breaker = new CircuitBreaker((call: () => Promise<unknown>) => call(), {
        name: key,
        timeout: false, // each call has its capability's own timeout
        errorThresholdPercentage: this.config.DISPATCH_BREAKER_ERROR_PERCENT,
        volumeThreshold: this.config.DISPATCH_BREAKER_VOLUME,
        resetTimeout: this.config.DISPATCH_BREAKER_RESET_MS,
        rollingCountTimeout: 10_000,
        errorFilter: (err: unknown) => !isFailure(err),
      });
      breaker.on('open', () => this.log.warn(`熔断打开 (circuit opened) ${topic} for app ${app}`));
      breaker.on('close', () => this.log.log(`熔断关闭 (circuit closed) ${topic} for app ${app}`));
      this.breakers.set(key, breaker);
    }
    return breaker;
  }

  private evictClosed(): void {
    for (const [key, b] of this.breakers) {
      if (!b.opened && !b.halfOpen) {
        b.shutdown();
        this.breakers.delete(key);
      }
    }
  }
}
