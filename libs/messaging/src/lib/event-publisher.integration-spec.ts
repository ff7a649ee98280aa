import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { type OutboundEvent, KafkaEventPublisher } from './event-publisher.js';
import { kafkaClientConfig } from './kafka-config.js';

/**
 * The outbox relay after a broker that wrote a batch and then went away before answering (killed,
 * or the network cut): seen in CI as an audit that never arrived after a broker restart. kafkajs
 * rolls an idempotent producer's sequence numbers back on a failed request even though the broker
 * has the batch, so the outbox's next send (those events again, plus newer ones) was refused as out
 * of order, for as long as the process lived. Here the broker is real and the cut is real: every
 * answer from the broker is dropped, and the connection closed, while `cut` is on.
 */
describe('KafkaEventPublisher after a send the broker wrote but never answered', () => {
  const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
  const run = randomBytes(4).toString('hex');
  const topic = `e2e.publisher-cut-${run}.v1`;
  let cut = false;
  // The operating system's socket, whose incoming bytes are lost (and the connection dropped) while `cut` is on.
  const socketFactory = ({ host, port, onConnect }: { host: string; port: number; onConnect: () => void }): Socket => {
    const socket = connect({ host, port }, onConnect);
    socket.setKeepAlive(true, 60_000);
    const emit = socket.emit.bind(socket);
    socket.emit = ((event: string, ...args: unknown[]) => {
      if (event === 'data' && cut) {
        socket.destroy(new Error('connection reset (network cut by the test)'));
        return true;
      }
      return emit(event, ...args);
    }) as typeof socket.emit;
    return socket;
  };
  const kafka = new Kafka({ ...kafkaClientConfig(`publisher-cut-${run}`, brokers), logLevel: logLevel.NOTHING });
  const publisher = new KafkaEventPublisher(`publisher-cut-${run}`, brokers, { socketFactory });
  const events = (label: string, n: number): OutboundEvent[] =>
    Array.from({ length: n }, (_, i) => ({ eventId: randomUUID(), topic, key: 'one-key', payload: { label: `${label}${i}` } }));
  const onBroker = async (): Promise<string[]> => {
    const consumer = kafka.consumer({ groupId: `publisher-cut-${run}-${randomBytes(3).toString('hex')}` });
    const labels: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const admin = kafka.admin();
    await admin.connect();
    const high = Number((await admin.fetchTopicOffsets(topic))[0]!.high);
    await admin.disconnect();
    await consumer.run({ eachMessage: async ({ message }) => void labels.push(JSON.parse(message.value!.toString()).label) });
    const until = Date.now() + 30_000;
    while (labels.length < high && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    await consumer.disconnect();
    return labels;
  };

  beforeAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    await publisher.start();
  }, 60_000);

  afterAll(async () => {
    cut = false;
    await publisher.stop();
  });

  it('sends again and on after the failure (a new producer), so nothing stays in the outbox: every event reaches the broker', async () => {
    const a = events('a', 2);
    await publisher.publish(a);

    cut = true;
    const b = events('b', 2);
    const failed = await publisher.publish(b).then(
      () => null,
      (err: Error) => err,
    );
    cut = false;
    expect(failed).toBeInstanceOf(Error);
    // The broker did write them: only its answer was lost (the case that desynchronised the producer).
    expect(await onBroker()).toEqual(expect.arrayContaining(['b0', 'b1']));

    // The outbox sends the unacknowledged events again with newer ones, as its relay does.
    const c = events('c', 1);
    await publisher.publish([...b, ...c]);
    const d = events('d', 3);
    await publisher.publish(d);

    const labels = await onBroker();
    for (const label of ['a0', 'a1', 'b0', 'b1', 'c0', 'd0', 'd1', 'd2']) expect(labels).toContain(label);
    // In the order of writing (one key, one partition); b again after its first copy, which consumers deduplicate.
    expect(labels.filter((l) => l !== 'b0' && l !== 'b1')).toEqual(['a0', 'a1', 'c0', 'd0', 'd1', 'd2']);
  }, 90_000);
});
