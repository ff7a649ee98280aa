import { Kafka } from 'kafkajs';
import { kafkaClientConfig } from './kafka-config.js';

/** How long a service waits for its topics to be created and led before it gives up (readiness stays red meanwhile). */
const TOPICS_READY_MS = 120_000;

/**
 * Creates the topics a service needs (if missing) with the configured partitions, so that
 * nothing relies on broker auto-creation (which gives one partition: too few for replies) — and
 * returns only once every partition of every one of them is served by its leader. Services
 * started together against a fresh broker race here: one creates a topic, another finds it
 * listed before its partitions have leaders and, writing or subscribing at once, failed with
 * "This server does not host this topic-partition" (issue 17). Each instance now converges
 * alone: it creates what is missing (another instance's creation is fine), then probes each
 * partition's offsets — answered only by a partition's serving leader — with backoff until all
 * answer, or gives up after two minutes.
 */
export async function ensureTopics(
  brokers: string[],
  clientId: string,
  topics: string[],
  partitions: number,
  replicationFactor: number,
): Promise<void> {
  const wanted = [...new Set(topics)];
  const admin = new Kafka(kafkaClientConfig(`${clientId}-admin`, brokers)).admin();
  try {
    // Inside the try: a connect that fails half-way still disconnects what it opened.
    await admin.connect();
    const deadline = Date.now() + TOPICS_READY_MS;
    let wait = 100;
    for (;;) {
      const pending = await unready(admin, wanted, partitions, replicationFactor);
      if (pending.length === 0) return;
      if (Date.now() > deadline)
        throw new Error(`主题未就绪 (topics not ready after ${TOPICS_READY_MS / 1000} s): ${pending.slice(0, 5).join(', ')}`);
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 2_000);
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

type Admin = ReturnType<Kafka['admin']>;

/** The topics not yet ready: created if missing, then each partition's offsets asked of its leader. */
async function unready(admin: Admin, topics: string[], partitions: number, replicationFactor: number): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
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
  const pending: string[] = [];
  for (const topic of topics) {
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      if (offsets.length === 0) pending.push(topic);
    } catch {
      // Not (yet) known to the broker answering, or a partition still without its serving leader.
      pending.push(topic);
    }
  }
  return pending;
}

function isAlreadyExists(err: unknown): boolean {
  const e = err as { type?: string; errors?: { type?: string }[] };
  if (e.type === 'TOPIC_ALREADY_EXISTS') return true;
  return Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every((x) => x.type === 'TOPIC_ALREADY_EXISTS');
}
