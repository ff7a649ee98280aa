import type { Message, Producer } from 'kafkajs';
import { BatchingSender } from './batching-sender.js';

/** The batching logic on its own (the Kafka path is exercised by the integration tests). */
describe('BatchingSender', () => {
  type Batch = { topicMessages: { topic: string; messages: Message[] }[] };
  const recorder = (fail?: (b: Batch) => boolean) => {
    const batches: Batch[] = [];
    const producer = {
      sendBatch: async (b: Batch) => {
        batches.push(b);
        if (fail?.(b)) throw new Error('broker said no');
        return [];
      },
    } as unknown as Producer;
    return { batches, producer };
  };

  it('produces the records sent in one turn of the event loop as one batch', async () => {
    const { batches, producer } = recorder();
    const sender = new BatchingSender(() => producer);
    await Promise.all([sender.send('a', { value: '1' }), sender.send('a', { value: '2' }), sender.send('b', { value: '3' })]);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.topicMessages.map((t) => [t.topic, t.messages.length])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });

  it('isolates a bad record: the others still succeed', async () => {
    const { producer } = recorder((b) => b.topicMessages.some((t) => t.topic === 'bad'));
    const sender = new BatchingSender(() => producer);
    const results = await Promise.allSettled([
      sender.send('good', { value: '1' }),
      sender.send('bad', { value: '2' }),
      sender.send('good', { value: '3' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('rejects instead of hanging when the producer is gone', async () => {
    const sender = new BatchingSender(() => {
      throw new Error('No producer initialized');
    }, 2);
    const results = await Promise.allSettled([
      sender.send('a', { value: '1' }),
      sender.send('a', { value: '2' }),
      sender.send('a', { value: '3' }),
    ]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
  });

  it('flushes early when the batch grows past its byte limit', async () => {
    const { batches, producer } = recorder();
    const sender = new BatchingSender(() => producer, 500, 1000);
    await Promise.all([sender.send('a', { value: 'x'.repeat(900) }), sender.send('a', { value: 'y'.repeat(900) })]);
    expect(batches.length).toBe(2);
  });
});

describe('BatchingSender under load', () => {
  it('sends what arrives while a batch is in flight as the next batch, once that one is acknowledged', async () => {
    const sent: number[] = [];
    let release: () => void = () => undefined;
    const producer = {
      sendBatch: (b: { topicMessages: { messages: unknown[] }[] }) => {
        sent.push(b.topicMessages[0]!.messages.length);
        return new Promise<void>((r) => (release = r));
      },
    } as unknown as Producer;
    const sender = new BatchingSender(() => producer);
    const first = sender.send('a', { value: '0' });
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual([1]);
    // Sent over several turns while the first batch waits for the broker: none goes out yet.
    const later: Promise<void>[] = [];
    for (let i = 1; i <= 5; i++) {
      later.push(sender.send('a', { value: String(i) }));
      await new Promise((r) => setImmediate(r));
    }
    expect(sent).toEqual([1]);
    release();
    await first;
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual([1, 5]);
    release();
    await Promise.all(later);
  });
});
