import { Kafka, type Producer } from 'kafkajs';
import { PlatformHeader } from '@gmp/contracts';
import { eventProducerConfig, kafkaClientConfig } from './kafka-config.js';
import type { InProcessBroker } from './in-process.broker.js';

export interface OutboundEvent {
  eventId: string;
  topic: string;
  key: string | null;
  payload: object;
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
  private producer: Producer | null = null;

  constructor(service: string, brokers: string[]) {
    super();
    this.kafka = new Kafka(kafkaClientConfig(`${service}-outbox`, brokers));
  }

  override async start(): Promise<void> {
    this.producer = this.kafka.producer(eventProducerConfig());
    await this.producer.connect();
  }

  override async stop(): Promise<void> {
    await this.producer?.disconnect();
    this.producer = null;
  }

  async publish(events: OutboundEvent[]): Promise<void> {
    if (!this.producer) throw new Error('事件生产者未启动 (event producer not started)');
    const byTopic = new Map<string, OutboundEvent[]>();
    for (const e of events) byTopic.set(e.topic, [...(byTopic.get(e.topic) ?? []), e]);
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic,
        messages: list.map((e) => ({
          key: e.key,
          value: JSON.stringify(e.payload),
          headers: { [PlatformHeader.EventId]: e.eventId },
        })),
      })),
    });
  }
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
