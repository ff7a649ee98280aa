import { type DynamicModule, Module } from '@nestjs/common';
import type { CustomStrategy } from '@nestjs/microservices';
import { TerminusModule } from '@nestjs/terminus';
import { deadLetterTopicOf, replyTopicOf, wireTopicOf } from '@gmp/contracts';
import { CAPABILITY_TRANSPORT, CapabilityClient } from './capability.client.js';
import { WorkingDaysClient } from './working-days.client.js';
import { SubjectOfClient } from './subject-of.client.js';
import { EventPublisher, InProcessEventPublisher, KafkaEventPublisher } from './event-publisher.js';
import { GovKafkaClient } from './gov-kafka.client.js';
import { GovKafkaServer } from './gov-kafka.server.js';
import { IdempotentConsumerService } from './idempotent-consumer.service.js';
import { inProcessBroker } from './in-process.broker.js';
import { InProcessClient } from './in-process.client.js';
import { InProcessServer } from './in-process.server.js';
import { consumerConfig, kafkaClientConfig, OFFSET_COMMIT_INTERVAL_MS, requestProducerConfig } from './kafka-config.js';
import { MessagingHealthIndicator } from './messaging-health.indicator.js';
import { MESSAGING_OPTIONS, type MessagingOptions } from './messaging.options.js';
import { OutboxService } from './outbox.service.js';
import { ensureTopics } from './topic-admin.js';

/** Kafka (or in-process) wiring of one service: the client side, the outbox and dedupe. */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [TerminusModule],
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        {
          provide: CAPABILITY_TRANSPORT,
          useFactory: () =>
            options.transport === 'kafka'
              ? new GovKafkaClient(
                  {
                    client: kafkaClientConfig(options.service, options.brokers),
                    consumer: consumerConfig(options.service, options.fetch),
                    producer: requestProducerConfig(),
                    postfixId: '-client',
                    // The reply consumer commits what it read every second (GovKafkaClient), not
                    // after each batch: no commit round trip on the reply path.
                    run: { partitionsConsumedConcurrently: options.consumerConcurrency, autoCommit: false },
                  },
                  options.service,
                )
              : new InProcessClient(inProcessBroker),
        },
        {
          provide: EventPublisher,
          useFactory: () =>
            options.transport === 'kafka'
              ? new KafkaEventPublisher(options.service, options.brokers)
              : new InProcessEventPublisher(inProcessBroker),
        },
        CapabilityClient,
        WorkingDaysClient,
        SubjectOfClient,
        OutboxService,
        IdempotentConsumerService,
        MessagingHealthIndicator,
      ],
      exports: [
        MESSAGING_OPTIONS,
        CapabilityClient,
        WorkingDaysClient,
        SubjectOfClient,
        OutboxService,
        IdempotentConsumerService,
        MessagingHealthIndicator,
        EventPublisher,
      ],
    };
  }
}

/**
 * Every topic a service touches, for creation at start: its request topic and the event topics
 * it consumes or publishes, its providers' request topics and its own reply topic when it calls
 * any, its dead-letter topic. The count follows services and event types, not capabilities.
 */
export function topicsOf(options: MessagingOptions): string[] {
  return [
    ...new Set([
      ...options.consumes.map(wireTopicOf),
      ...options.publishes.map(wireTopicOf),
      ...options.requests.map(wireTopicOf),
      ...(options.requests.length > 0 ? [replyTopicOf(options.service)] : []),
      deadLetterTopicOf(options.service),
    ]),
  ];
}

/** Creates the service's topics (Kafka only) before consumers and producers start. */
export async function prepareTransport(options: MessagingOptions): Promise<void> {
  if (options.transport !== 'kafka') return;
  await ensureTopics(options.brokers, options.service, topicsOf(options), options.partitions, options.replicationFactor);
}

/** The NestJS microservice strategy that serves the service's @MessagePattern/@EventPattern handlers. */
export function createServerStrategy(options: MessagingOptions): CustomStrategy {
  if (options.transport === 'inprocess') return { strategy: new InProcessServer(options.service, inProcessBroker) };
  return {
    strategy: new GovKafkaServer(
      {
        client: kafkaClientConfig(options.service, options.brokers),
        consumer: consumerConfig(options.service, options.fetch),
        producer: requestProducerConfig(),
        postfixId: '',
        run: { partitionsConsumedConcurrently: options.consumerConcurrency, autoCommitInterval: OFFSET_COMMIT_INTERVAL_MS },
        // A new group must not skip events written before it first joined.
        subscribe: { fromBeginning: true },
      },
      options.service,
      options.metrics,
    ),
  };
}
