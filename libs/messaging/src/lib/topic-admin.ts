import { Kafka } from 'kafkajs';
import { kafkaClientConfig } from './kafka-config.js';

/**
 * Creates the topics a service needs (if missing) with the configured partitions, so that
 * nothing relies on broker auto-creation (which gives one partition: too few for replies).
 */
export async function ensureTopics(
  brokers: string[],
  clientId: string,
  topics: string[],
  partitions: number,
  replicationFactor: number,
): Promise<void> {
  const admin = new Kafka(kafkaClientConfig(`${clientId}-admin`, brokers)).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [...new Set(topics)].filter((t) => !existing.has(t));
    if (missing.length > 0) {
      try {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor })),
        });
      } catch (err) {
        // Another instance may have created them in the meantime: that is fine.
        if (!isAlreadyExists(err)) throw err;
      }
    }
  } finally {
    await admin.disconnect();
  }
}

function isAlreadyExists(err: unknown): boolean {
  const e = err as { type?: string; errors?: { type?: string }[] };
  if (e.type === 'TOPIC_ALREADY_EXISTS') return true;
  return Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every((x) => x.type === 'TOPIC_ALREADY_EXISTS');
}
