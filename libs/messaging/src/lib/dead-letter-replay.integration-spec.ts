import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { deadLetterTopicOf, PlatformHeader } from '@gmp/contracts';
import { replayDeadLetters } from './dead-letter-replay.js';
import { ensureTopics } from './topic-admin.js';

/** 死信重放 on the real broker: back to the platform topic each came from, once, never elsewhere. */
describe('replayDeadLetters', () => {
  const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');

  it('sends each dead letter back to its source topic with its key, value and headers, once; refuses other topics; a dry run sends nothing', async () => {
    const run = randomBytes(4).toString('hex');
    const group = `e2e-replay-${run}`;
    const dlq = deadLetterTopicOf(group);
    const source = `e2e.replay-${run}.v1`;
    await ensureTopics(brokers, group, [dlq, source], 2, 1);
    const kafka = new Kafka({ clientId: group, brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const dead = (value: string, headers: Record<string, string>) => ({ key: `k-${value}`, value, headers });
    await producer.send({
      topic: dlq,
      messages: [
        dead('poison-1', {
          [PlatformHeader.DeadLetterSourceTopic]: source,
          [PlatformHeader.DeadLetterError]: 'handler failed',
          [PlatformHeader.MessageType]: 'data.read.v1',
        }),
        dead('elsewhere', { [PlatformHeader.DeadLetterSourceTopic]: 'some.other.topic' }),
        dead('no-origin', {}),
      ],
    });
    const allowed = new Set([source]);
    const dry = await replayDeadLetters({ brokers, group, allowedTopics: allowed, dryRun: true });
    expect(dry).toMatchObject({ wouldReplay: 1, replayed: 0 });
    expect(dry.skipped.map((x) => x.reason)).toHaveLength(2);
    expect(dry.skipped.map((x) => x.reason)).toEqual(
      expect.arrayContaining([expect.stringContaining('no x-dlq-source-topic'), expect.stringContaining('some.other.topic')]),
    );
    const first = await replayDeadLetters({ brokers, group, allowedTopics: allowed });
    expect(first).toMatchObject({ replayed: 1, deadLetterTopic: dlq });
    expect(first.skipped).toHaveLength(2);
    // Back on the source topic: key, value and the original headers — not the dead letter's own.
    const consumer = kafka.consumer({ groupId: `${group}-check` });
    await consumer.connect();
    await consumer.subscribe({ topic: source, fromBeginning: true });
    const seen: { key: string; value: string; headers: Record<string, string> }[] = [];
    await consumer.run({
      eachMessage: async ({ message }) =>
        void seen.push({
          key: message.key!.toString(),
          value: message.value!.toString(),
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
        }),
    });
    const until = Date.now() + 20_000;
    while (seen.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    // A second run replays nothing more; a new dead letter is replayed alone.
    expect(await replayDeadLetters({ brokers, group, allowedTopics: allowed })).toMatchObject({ replayed: 0, skipped: [] });
    await producer.send({ topic: dlq, messages: [dead('poison-2', { [PlatformHeader.DeadLetterSourceTopic]: source })] });
    expect(await replayDeadLetters({ brokers, group, allowedTopics: allowed })).toMatchObject({ replayed: 1, skipped: [] });
    while (seen.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    await consumer.disconnect();
    await producer.disconnect();
    expect(seen.map((m) => m.value)).toEqual(['poison-1', 'poison-2']);
    expect(seen[0]).toMatchObject({
      key: 'k-poison-1',
      headers: {
        [PlatformHeader.MessageType]: 'data.read.v1',
        'x-dlq-replayed-from': expect.stringMatching(new RegExp(`^${dlq.replaceAll('.', '\\.')}@\\d:\\d+$`)),
      },
    });
    expect(Object.keys(seen[0]!.headers).some((k) => k.startsWith('x-dlq-') && k !== 'x-dlq-replayed-from')).toBe(false);
  }, 120_000);
});
