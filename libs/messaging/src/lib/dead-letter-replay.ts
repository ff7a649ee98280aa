import { Kafka, type IHeaders } from 'kafkajs';
import { deadLetterTopicOf, PlatformHeader } from '@gmp/contracts';
import { kafkaClientConfig } from './kafka-config.js';

export interface ReplayOptions {
  brokers: string[];
  /** The consumer group whose dead letters to replay (`dlq.<group>.v1`): a service's name. */
  group: string;
  /** Topics a dead letter may be sent back to (its `x-dlq-source-topic` must be one of them). */
  allowedTopics: ReadonlySet<string>;
  /** List what would be replayed; send and commit nothing. */
  dryRun?: boolean;
  /** At most this many dead letters (the rest wait for the next run). */
  limit?: number;
}

export interface ReplayReport {
  deadLetterTopic: string;
  replayed: number;
  /** Would be replayed (dry run). */
  wouldReplay: number;
  skipped: { partition: number; offset: string; reason: string }[];
}

/**
 * Replays a service's dead letters after a fix (运维: 死信重放): each record of `dlq.<group>.v1`
 * not replayed before goes back to the topic it came from (`x-dlq-source-topic`, which must be a
 * platform topic), with its key, value and original headers (a request's `x-message-type` and
 * `kafka_*` included), marked `x-dlq-replayed-from: <dlq>@<partition>:<offset>`. Progress is the
 * consumer group `dlq-replay.<group>`'s committed offsets, committed record by record after each
 * is sent: a second run replays only what arrived since; an interrupted run resumes. The handlers
 * it reaches dedupe by event id as for any redelivery. Stops once it has read up to the ends the
 * dead-letter topic had when it started.
 */
export async function replayDeadLetters(o: ReplayOptions): Promise<ReplayReport> {
  const topic = deadLetterTopicOf(o.group);
  const kafka = new Kafka(kafkaClientConfig(`dlq-replay-${o.group}`, o.brokers));
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
  const committed = new Map<number, bigint>();
  // A group the broker has not seen yet has no coordinator loaded at first: asked again for a while.
  for (const t of await retrying(() => admin.fetchOffsets({ groupId: `dlq-replay.${o.group}`, topics: [topic] })))
    for (const p of t.partitions) committed.set(p.partition, BigInt(p.offset === '-1' ? '0' : p.offset));
  await admin.disconnect();
  const report: ReplayReport = { deadLetterTopic: topic, replayed: 0, wouldReplay: 0, skipped: [] };
  // Nothing new since the last run (or an empty topic): nothing to start.
  if ([...ends].every(([p, end]) => (committed.get(p) ?? 0n) >= end)) return report;

  const consumer = kafka.consumer({ groupId: `dlq-replay.${o.group}`, maxWaitTimeInMs: 200 });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await Promise.all([consumer.connect(), producer.connect()]);
  const limit = o.limit ?? Number.POSITIVE_INFINITY;
  let handled = 0;
  const reached = new Map<number, bigint>(committed);
  const done = () => handled >= limit || [...ends].every(([p, end]) => (reached.get(p) ?? 0n) >= end);
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      // A run that cannot read what the topic's ends promised (no partitions assigned, a broker gone) stops, saying so.
      const stuck = setTimeout(() => reject(new Error(`死信重放超时 (replay did not reach the ends of ${topic} in 120 s)`)), 120_000);
      stuck.unref();
      const finish = () => {
        clearTimeout(stuck);
        resolve();
      };
      void consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            if (done()) return;
            const next = BigInt(message.offset) + 1n;
            const source = header(message.headers, PlatformHeader.DeadLetterSourceTopic);
            if (!source || !o.allowedTopics.has(source))
              report.skipped.push({
                partition,
                offset: message.offset,
                reason: source
                  ? `来源主题不是平台主题 (not a platform topic): ${source.slice(0, 100)}`
                  : '无来源主题 (no x-dlq-source-topic)',
              });
            else if (o.dryRun) report.wouldReplay++;
            else {
              const headers: IHeaders = {};
              for (const [k, v] of Object.entries(message.headers ?? {})) if (!k.startsWith('x-dlq-') && v !== undefined) headers[k] = v;
              headers['x-dlq-replayed-from'] = `${topic}@${partition}:${message.offset}`;
              await producer.send({ topic: source, acks: -1, messages: [{ key: message.key, value: message.value, headers }] });
              report.replayed++;
            }
            handled++;
            if (!o.dryRun) await consumer.commitOffsets([{ topic, partition, offset: next.toString() }]);
            reached.set(partition, next);
            if (done()) finish();
          },
        })
        .catch((err: unknown) => {
          clearTimeout(stuck);
          reject(err as Error);
        });
    });
  } finally {
    await Promise.all([consumer.disconnect(), producer.disconnect()]);
  }
  return report;
}

function header(headers: IHeaders | undefined, name: string): string | null {
  const v = headers?.[name];
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? null : one.toString();
}

/** Retries a call the broker refuses while a group's coordinator is being set up (about 10 s at most). */
async function retrying<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const type = (err as { type?: string }).type ?? '';
      if (attempt >= 20 || !/COORDINATOR/.test(type)) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
