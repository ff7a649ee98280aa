/**
 * What the message transport reports about itself, for the service's metrics (service-kit turns
 * it into Prometheus series). Optional: without it nothing is counted.
 */
export interface MessagingMetrics {
  /** A consumed record was handled: its topic, its message type, how it ended and how long it took. */
  handled(topic: string, type: string, outcome: HandlingOutcome, seconds: number): void;
  /** A record was copied to the dead-letter topic. */
  deadLettered(topic: string): void;
  /** Records of a partition this instance consumes that are not handled yet (high watermark − position), at each fetched batch. */
  lag(topic: string, partition: number, records: number): void;
  /** This instance's partitions changed (a rebalance): the lag of those it no longer holds is forgotten. */
  lagReset(): void;
}

/** ok: handled (a request: answered, with its result or its problem); failed: an event whose handler gave up (dead-lettered); invalid: refused before any handler; expired: a request its caller no longer waits for. */
export type HandlingOutcome = 'ok' | 'failed' | 'invalid' | 'expired';
