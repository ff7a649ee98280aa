import { callerOfReplyTopic, replyTopicOf, requestTopicOf } from '@gmp/contracts';
import { GovKafkaServer, MAX_REQUESTS_IN_FLIGHT } from './gov-kafka.server.js';

/**
 * How the server hands requests to handlers and commits their offsets, without a broker: the
 * Kafka path itself is covered by apps/platform-e2e (dispatch-slice) on a real broker.
 */
describe('GovKafkaServer request handling', () => {
  const topic = requestTopicOf('tech-capabilities');

  function harness() {
    const server = new GovKafkaServer({ client: { brokers: ['127.0.0.1:1'] } }, 'tech-capabilities');
    const finish = new Map<string, () => void>();
    const started: string[] = [];
    // Each request finishes when the test says so.
    (server as unknown as { handleMessage: (p: { message: { offset: string } }) => Promise<void> }).handleMessage = (p) => {
      started.push(p.message.offset);
      return new Promise<void>((resolve) => finish.set(p.message.offset, resolve));
    };
    const commits: { topic: string; partition: number; offset: string }[][] = [];
    (server as unknown as { consumer: unknown }).consumer = { commitOffsets: async (o: never[]) => void commits.push(o) };
    const resolved: string[] = [];
    const batch = (offsets: string[]) => ({
      batch: { topic, partition: 0, messages: offsets.map((offset) => ({ offset, value: Buffer.from('{}'), headers: {} })) },
      resolveOffset: (o: string) => void resolved.push(o),
      heartbeat: async () => undefined,
      isRunning: () => true,
      isStale: () => false,
      pause: () => () => undefined,
    });
    const handleBatch = (offsets: string[]) =>
      (server as unknown as { handleBatch: (p: unknown) => Promise<void> }).handleBatch(batch(offsets));
    const commit = () => (server as unknown as { commitFinished: () => Promise<void> }).commitFinished();
    const tick = () => new Promise((r) => setImmediate(r));
    return { server, finish, started, commits, resolved, handleBatch, commit, tick };
  }

  it('starts every request of a batch and returns before they finish (the next fetch is not held back by a slow one)', async () => {
    const h = harness();
    await h.handleBatch(['10', '11', '12']);
    expect(h.started).toEqual(['10', '11', '12']);
    expect(h.resolved).toEqual(['10', '11', '12']);
    expect(h.finish.size).toBe(3);
  });

  it('commits only up to the first request still in flight, then past it once it finished', async () => {
    const h = harness();
    await h.handleBatch(['10', '11', '12']);
    h.finish.get('11')!();
    h.finish.get('12')!();
    await h.tick();
    await h.commit();
    expect(h.commits).toEqual([]); // 10 is still running: nothing past it may be committed
    h.finish.get('10')!();
    await h.tick();
    await h.commit();
    expect(h.commits).toEqual([[{ topic, partition: 0, offset: '13' }]]);
    await h.commit();
    expect(h.commits).toHaveLength(1); // nothing new: no commit round trip
  });

  it('stops taking requests at the in-flight limit and goes on as they finish', async () => {
    const h = harness();
    const offsets = Array.from({ length: MAX_REQUESTS_IN_FLIGHT + 2 }, (_, i) => String(i));
    const done = h.handleBatch(offsets);
    await h.tick();
    expect(h.started).toHaveLength(MAX_REQUESTS_IN_FLIGHT);
    h.finish.get('0')!();
    h.finish.get('1')!();
    await done;
    expect(h.started).toHaveLength(MAX_REQUESTS_IN_FLIGHT + 2);
  });

  it('leaves requests fetched while closing to the next member: not started, not resolved', async () => {
    const h = harness();
    (h.server as unknown as { closing: boolean }).closing = true;
    await h.handleBatch(['5']);
    expect(h.started).toEqual([]);
    expect(h.resolved).toEqual([]);
  });
});

describe('reply topics', () => {
  it('names the calling service of a reply topic and nothing else', () => {
    expect(callerOfReplyTopic(replyTopicOf('service-dispatch'))).toBe('service-dispatch');
    for (const other of [
      'rpc.service-dispatch.requests.v1',
      'tech.licence.query-by-holder.v1.reply',
      'dlq.service-dispatch.v1',
      'rpc..replies.v1',
      'rpc.Service.replies.v1',
      'rpc.a.replies.v1x',
      `rpc.${'a'.repeat(65)}.replies.v1`,
      'xrpc.a.replies.v1',
    ]) {
      expect(callerOfReplyTopic(other)).toBeNull();
    }
  });
});
