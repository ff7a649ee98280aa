import { randomUUID } from 'node:crypto';
import { Topic } from '@gmp/contracts';
import { decodeInbound, describeRejection } from './inbound-message.js';
import { InProcessBroker } from './in-process.broker.js';
import { InProcessServer } from './in-process.server.js';

const meta = () => ({ messageId: randomUUID(), correlationId: 'c-1', app: 'demo', sentAt: new Date().toISOString() });
const valid = () => ({ meta: meta(), input: { holderType: 'person', holderId: '11010519491231002X' } });

describe('decodeInbound', () => {
  it('accepts a message matching its topic contract', () => {
    const inbound = decodeInbound(Topic.LicenceQueryByHolder, Buffer.from(JSON.stringify(valid())));
    expect(inbound.ok).toBe(true);
  });

  it.each([
    ['empty', null, /空消息/],
    ['not JSON', Buffer.from('{oops'), /不是合法 JSON/],
    ['a JSON array', Buffer.from('[1]'), /JSON 对象/],
    ['missing meta', Buffer.from(JSON.stringify({ input: valid().input })), /meta/],
    [
      'bad ID number',
      Buffer.from(JSON.stringify({ ...valid(), input: { holderType: 'person', holderId: '110105194912310021' } })),
      /input\.holderId/,
    ],
  ])('rejects %s with a reason', (_name, value, reason) => {
    const inbound = decodeInbound(Topic.LicenceQueryByHolder, value);
    expect(inbound.ok).toBe(false);
    if (!inbound.ok) expect(describeRejection(inbound)).toMatch(reason);
  });

  it('rejects a topic without a contract', () => {
    const inbound = decodeInbound('no.such.topic.v1', Buffer.from('{}'));
    expect(inbound.ok).toBe(false);
  });
});

describe('in-process transport', () => {
  it('dead-letters an invalid request, answers a typed error and keeps serving', async () => {
    const broker = new InProcessBroker();
    const server = new InProcessServer('tech-test', broker);
    const seen: unknown[] = [];
    server.addHandler(Topic.LicenceQueryByHolder, async (data: unknown) => {
      seen.push(data);
      return { licences: [] };
    });
    server.listen(() => undefined);

    await expect(broker.request(Topic.LicenceQueryByHolder, 'not json')).rejects.toMatchObject({ code: 'INVALID_MESSAGE', status: 400 });
    expect(broker.deadLetters).toHaveLength(1);
    expect(broker.deadLetters[0]).toMatchObject({ topic: Topic.LicenceQueryByHolder, group: 'tech-test' });
    expect(seen).toHaveLength(0);

    await expect(broker.request(Topic.LicenceQueryByHolder, JSON.stringify(valid()))).resolves.toEqual({ licences: [] });
    expect(seen).toHaveLength(1);
    server.close();
    expect(broker.hasConsumer(Topic.LicenceQueryByHolder)).toBe(false);
  });

  it('refuses an event nobody consumes, so the sender keeps it in its outbox', async () => {
    const broker = new InProcessBroker();
    await expect(broker.emit(Topic.LicenceAccessed, '{}')).rejects.toThrow(/no consumer/);
  });

  it('lets an event go unread when no service of the process consumes its type, and keeps one whose consumer has not started yet', async () => {
    const broker = new InProcessBroker();
    broker.expectConsumers([Topic.LicenceAccessed]);
    await expect(broker.emit(Topic.DataTagChanged, '{}')).resolves.toBeUndefined();
    await expect(broker.emit(Topic.LicenceAccessed, '{}')).rejects.toThrow(/no consumer/);
    const seen: string[] = [];
    broker.register(Topic.LicenceAccessed, 'data-platform', async (v) => void seen.push(v));
    await broker.emit(Topic.LicenceAccessed, '{"x":1}');
    expect(seen).toEqual(['{"x":1}']);
  });
});

describe('in-process server ownership', () => {
  it('refuses to serve a request type another platform service owns, as the Kafka server does', async () => {
    const server = new InProcessServer('data-platform', new InProcessBroker());
    server.addHandler(Topic.LicenceQueryByHolder, async () => ({}));
    const err = await new Promise<unknown>((resolve) => server.listen((e?: unknown) => resolve(e)));
    expect(String(err)).toMatch(/属于 tech-capabilities/);
  });
});
