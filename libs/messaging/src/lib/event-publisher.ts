import { Kafka, type KafkaConfig, type Producer } from 'kafkajs';
import { PlatformHeader } from '@gmp/contracts';
import { contextFromHeaders, openSpan, SpanKind, SpanStatusCode, spanHeaders } from '@gmp/observability';
import { eventProducerConfig, kafkaClientConfig } from './kafka-config.js';
import { someCause } from './transient-error.js';
import type { InProcessBroker } from './in-process.broker.js';

export interface OutboundEvent {
  eventId: string;
  topic: string;
  key: string | null;
  payload: object;
  /** The trace context of the call that wrote the event (W3C headers), or none. */
  traceContext?: Record<string, string> | null;
}

/** Where the outbox relay sends events: Kafka (cluster) or the in-process broker (standalone). */
export abstract class EventPublisher {
  abstract publish(events: OutboundEvent[]): Promise<void>;
  async start(): Promise<void> {
    /* nothing to connect by default */
  }
  async stop(): Promise<void> {
    /* nothing to close by default */
  }
  /** Throws when the publisher cannot reach its broker (readiness). */
  async check(): Promise<void> {
    /* reachable by default */
  }
}

export class KafkaEventPublisher extends EventPublisher {
  private readonly kafka: Kafka;
  /** The producer in use and its connection (null: none yet, or discarded after a failure). */
  private current: { producer: Producer; ready: Promise<void> } | null = null;
  private stopped = false;

  constructor(service: string, brokers: string[], network: Pick<KafkaConfig, 'socketFactory'> = {}) {
    super();
    this.kafka = new Kafka({ ...kafkaClientConfig(`${service}-outbox`, brokers), ...network });
  }

  override async start(): Promise<void> {
    this.stopped = false;
    await this.connected();
  }

  /** At once, even while a connect is still trying (a broker that does not answer must not hold up the shutdown). */
  override async stop(): Promise<void> {
    this.stopped = true;
    const current = this.current;
    this.current = null;
    await current?.producer.disconnect().catch(() => undefined);
  }

  /**
   * Sends the events (acks from every in-sync replica). A failed send discards its producer: kafkajs
   * rolls an idempotent producer's sequence numbers back when a request fails, even when the broker
   * had written the batch before the connection broke (a broker killed or a network cut after the
   * write), and every later send of that producer is then refused (OUT_OF_ORDER_SEQUENCE_NUMBER) for
   * as long as it lives — the outbox would stop relaying for good. A new producer has a new producer
   * id and sequences that start afresh; what it sends again, consumers deduplicate by event id. Only
   * a refusal of the records themselves (too large, unknown topic, not allowed) keeps the producer.
   */
  async publish(events: OutboundEvent[]): Promise<void> {
    if (this.stopped) throw new Error('事件生产者已停止 (event producer stopped)');
    const current = this.connected();
    const producer = current.producer;
    // Each event is published in the trace of the call that wrote it (a span per event), and
    // carries that span's context to its consumers.
    const spans = events.map((e) => {
      if (!e.traceContext) return null;
      const parent = contextFromHeaders(e.traceContext);
      const span = openSpan(
        `publish ${e.topic}`,
        SpanKind.PRODUCER,
        {
          'messaging.system': 'kafka',
          'messaging.destination.name': e.topic,
          'messaging.operation.type': 'send',
          'gmp.event_id': e.eventId,
        },
        parent,
      );
      return { span, headers: spanHeaders(span, parent) };
    });
    try {
      await current.ready;
      const byTopic = new Map<string, { event: OutboundEvent; headers: Record<string, string> }[]>();
      events.forEach((event, i) =>
        byTopic.set(event.topic, [...(byTopic.get(event.topic) ?? []), { event, headers: spans[i]?.headers ?? {} }]),
      );
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, list]) => ({
          topic,
          messages: list.map(({ event, headers }) => ({
            key: event.key,
            value: JSON.stringify(event.payload),
            headers: { ...headers, [PlatformHeader.EventId]: event.eventId },
          })),
        })),
      });
    } catch (err) {
      for (const s of spans) s?.span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
      if (this.current === current && !isAboutTheMessages(err)) {
        this.current = null;
        void producer.disconnect().catch(() => undefined);
      }
      throw err;
    } finally {
      for (const s of spans) s?.span.end();
    }
  }

  /** The producer, connecting a new one when there is none (at start, or after a failed send). */
  private connected(): { producer: Producer; ready: Promise<void> } {
    if (!this.current) {
      const producer = this.kafka.producer(eventProducerConfig());
      const attempt = { producer, ready: producer.connect() };
      this.current = attempt;
      // A failed connect is dropped, and what it opened closed (it may fail after the connection,
      // when asking for its producer id): the next relay tries a new one.
      attempt.ready.catch(() => {
        if (this.current === attempt) this.current = null;
        void producer.disconnect().catch(() => undefined);
      });
    }
    return this.current;
  }
}

/** Refusals of the records themselves (too large, no such topic, not allowed): a new producer would get the same answer. */
const MESSAGE_ERRORS = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'INVALID_TOPIC_EXCEPTION',
  'TOPIC_AUTHORIZATION_FAILED',
  'POLICY_VIOLATION',
]);

/** Whether the broker refused the records as such (then the producer is kept); anything else — connection, timeout, sequence — replaces it. */
function isAboutTheMessages(err: unknown): boolean {
  return someCause(err, (e) => e.type !== undefined && MESSAGE_ERRORS.has(e.type));
}

/**
 * Some events of a batch were delivered and some were not: the outbox deletes the delivered ones
 * and keeps the rest for the next relay.
 */
export class PartialPublishError extends Error {
  constructor(
    readonly delivered: string[],
    override readonly cause: Error,
  ) {
    super(cause.message);
  }
}

export class InProcessEventPublisher extends EventPublisher {
  constructor(private readonly broker: InProcessBroker) {
    super();
  }

  /**
   * In order; a topic that cannot take an event (no consumer yet, or its handler failed) keeps
   * that event and every later one of the same topic (their order stays), without holding back
   * the other topics' events.
   */
  async publish(events: OutboundEvent[]): Promise<void> {
    const delivered: string[] = [];
    const blocked = new Set<string>();
    let firstError: Error | null = null;
    for (const e of events) {
      if (blocked.has(e.topic)) continue;
      try {
        await this.broker.emit(e.topic, JSON.stringify(e.payload));
        delivered.push(e.eventId);
      } catch (err) {
        blocked.add(e.topic);
        firstError ??= err as Error;
      }
    }
    if (firstError) throw new PartialPublishError(delivered, firstError);
  }
}
