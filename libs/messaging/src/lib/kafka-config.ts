import { Logger } from '@nestjs/common';
import { type ConsumerConfig, type KafkaConfig, type logCreator, logLevel, type ProducerConfig } from 'kafkajs';
import './kafkajs-idle.fix.js';

const kafkaLogger = new Logger('kafkajs');

/** kafkajs logs go to the service's JSON log, not to the console. */
const toServiceLog: logCreator =
  () =>
  ({ level, log }) => {
    const { message, ...extra } = log;
    const line = `${message} ${Object.keys(extra).length > 2 ? JSON.stringify(extra) : ''}`.trim();
    if (level <= logLevel.ERROR) kafkaLogger.error(line);
    else if (level === logLevel.WARN) kafkaLogger.warn(line);
    else kafkaLogger.debug(line);
  };

/** kafkajs settings shared by every client of the platform (one place to tune or swap the client). */
export function kafkaClientConfig(clientId: string, brokers: string[]): KafkaConfig {
  return {
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    logCreator: toServiceLog,
    connectionTimeout: 3000,
    requestTimeout: 10000,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 5000 },
  };
}

export function consumerConfig(
  groupId: string,
  fetch: { minBytes: number; maxWaitTimeInMs: number } = { minBytes: 1, maxWaitTimeInMs: 50 },
): Omit<ConsumerConfig, 'partitionAssigners'> {
  return {
    groupId,
    // kafkajs waits 5 s by default when a fetch finds nothing: a multi-second stall under low load.
    // A larger minBytes makes the broker gather records into fewer fetches under load, at up to maxWait of latency when quiet.
    maxWaitTimeInMs: fetch.maxWaitTimeInMs,
    minBytes: fetch.minBytes,
    // A killed member is noticed after 30 s (its partitions move to the survivors or to its
    // restart); shorter risks evicting a member in the middle of a slow batch.
    sessionTimeout: 30000,
    heartbeatInterval: 3000,
    rebalanceTimeout: 30000,
    allowAutoTopicCreation: false,
  };
}

/** How often consumers commit offsets (they do not commit after every batch). */
export const OFFSET_COMMIT_INTERVAL_MS = 1000;

/** Producer for request-reply traffic: not idempotent so that several requests can be in flight. */
export function requestProducerConfig(): ProducerConfig {
  return { allowAutoTopicCreation: false };
}

/** Producer for events relayed from the outbox: idempotent (no duplicates on producer retries). */
export function eventProducerConfig(): ProducerConfig {
  // Bounded retries (kafkajs warns that this weakens exactly-once): the outbox is the retry
  // loop — unacknowledged rows stay and are sent again — and consumers deduplicate.
  return { idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, retry: { retries: 5, maxRetryTime: 5000 } };
}
