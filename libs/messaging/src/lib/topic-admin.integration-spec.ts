import { randomBytes } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { kafkaClientConfig } from './kafka-config.js';
import { ensureTopics } from './topic-admin.js';

/**
 * Issue 17, item 6: services started together against a fresh broker raced on topic creation —
 * one created a topic, another saw it exist before its partitions had leaders and failed at once
 * ("This server does not host this topic-partition"). Here several instances ensure the same new
 * topics at once on the real broker, and each then writes to every partition of every topic at
 * once, as a service does right after start.
 */
describe('ensureTopics: instances started together converge', () => {
  const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');

  it('several instances ensuring the same new topics at once each return only when every partition is served: each then subscribes and writes at once, and reads everything', async () => {
    const run = randomBytes(4).toString('hex');
    const topics = Array.from({ length: 8 }, (_, i) => `e2e.converge-${run}.t${i}.v1`);
    const partitions = 6;
    // The platform's own client settings (its retries included), as a service uses them right after start.
    const kafka = new Kafka(kafkaClientConfig(`converge-${run}`, brokers));
    const writeEverywhere = async (instance: number, mine: string[]) => {
      // A consumer joins at once, as a service's does; one that crashes on a partition without its leader fails the instance.
      const consumer = kafka.consumer({ groupId: `converge-${run}-${instance}` });
      let crashed: unknown = null;
      consumer.on(consumer.events.CRASH, (e) => void (crashed = e.payload.error));
      const producer = kafka.producer();
      await Promise.all([consumer.connect(), producer.connect()]);
      try {
        await consumer.subscribe({ topics: mine, fromBeginning: true });
        let seen = 0;
        await consumer.run({ eachMessage: async () => void seen++ });
        for (const topic of mine)
          await producer.send({
            topic,
            acks: -1,
            messages: Array.from({ length: partitions }, (_, p) => ({ partition: p, value: `instance ${instance}` })),
          });
        const until = Date.now() + 30_000;
        while (seen < mine.length * partitions && !crashed && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
        if (crashed) throw crashed as Error;
        if (seen < mine.length * partitions) throw new Error(`instance ${instance} read ${seen} of ${mine.length * partitions}`);
      } finally {
        await Promise.all([consumer.disconnect(), producer.disconnect()]);
      }
    };
    // Four instances, each with its own (overlapping) share of the topics — as four services that share event topics.
    const results = await Promise.allSettled(
      [0, 1, 2, 3].map(async (i) => {
        const mine = [...new Set([...topics.slice(i, i + 5), topics[0]!])];
        await ensureTopics(brokers, `converge-${run}-${i}`, mine, partitions, 1);
        await writeEverywhere(i, mine);
      }),
    );
    expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({ topics });
      expect(meta.topics.map((t) => t.partitions.length)).toEqual(topics.map(() => partitions));
      await admin.deleteTopics({ topics }).catch(() => undefined);
    } finally {
      await admin.disconnect();
    }
  }, 120_000);
});
