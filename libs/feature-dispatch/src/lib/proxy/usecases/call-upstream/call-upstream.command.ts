import type { Upstream } from '../../upstream.entity.js';

/** An admitted call to a proxied upstream (grant, limits and input schema already checked by the invoker). */
export interface CallUpstreamCommand {
  readonly upstream: Upstream;
  /** The capability input, valid against the upstream's schema. */
  readonly input: object;
  /** Sent as `X-Correlation-Id`. */
  readonly correlationId: string;
  /** The time the call may take (the breaker's budget); default the upstream's own timeout. */
  readonly timeoutMs?: number;
}
