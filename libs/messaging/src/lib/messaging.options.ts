import type { Topic } from '@gmp/contracts';
import type { MessagingMetrics } from './messaging-metrics.js';

export type TransportKind = 'kafka' | 'inprocess';

export interface MessagingOptions {
  transport: TransportKind;
  /** Service name: Kafka client id and consumer group. */
  service: string;
  brokers: string[];
  /** Partitions for topics the service creates (reply topics need ≥ the number of instances). */
  partitions: number;
  replicationFactor: number;
  /** Request-reply topics this service calls (reply consumers are subscribed for them). */
  requests: Topic[];
  /** Topics this service publishes events to (created at start). */
  publishes: Topic[];
  /** Topics this service consumes (created at start). */
  consumes: Topic[];
  /** How many partitions one consumer works on concurrently. */
  consumerConcurrency: number;
  /** Consumer fetch tuning (default: answer at once, wait at most 50 ms when there is nothing). */
  fetch?: { minBytes: number; maxWaitTimeInMs: number };
  outboxPollMs: number;
  /** How long a relay's claim on outbox rows lasts; after a crash they are published again then. */
  outboxLeaseSeconds: number;
  /** How long a woken relay waits for more events before it claims a batch (ms; 0 = at once). */
  outboxLingerMs?: number;
  /** Readiness is down once the relay has failed without a success for this long (default 10 s). */
  outboxUnhealthyAfterMs?: number;
  /** Where the transport reports handled records and dead letters (the service's /metrics). */
  metrics?: MessagingMetrics;
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
