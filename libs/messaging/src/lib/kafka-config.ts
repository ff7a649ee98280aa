import { type ConsumerConfig, type KafkaConfig, logLevel, type ProducerConfig } from 'kafkajs';

/** kafkajs settings shared by every client of the platform (one place to tune or swap the client). */
export function kafkaClientConfig(clientId: string, brokers: string[]): KafkaConfig {
  return {
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    connectionTimeout: 3000,
    requestTimeout: 10000,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 5000 },
  };
}

export function consumerConfig(groupId: string): Omit<ConsumerConfig, 'partitionAssigners'> {
  return {
    groupId,
    // kafkajs waits 5 s by default when a fetch finds nothing: a multi-second stall under low load.
    maxWaitTimeInMs: 50,
    sessionTimeout: 30000,
    heartbeatInterval: 3000,
    rebalanceTimeout: 30000,
    allowAutoTopicCreation: false,
  };
}

/** Producer for request-reply traffic: not idempotent so that several requests can be in flight. */
export function requestProducerConfig(): ProducerConfig {
  return { allowAutoTopicCreation: false };
}

/** Producer for events relayed from the outbox: idempotent (no duplicates on producer retries). */
export function eventProducerConfig(): ProducerConfig {
  return { idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false };
}
