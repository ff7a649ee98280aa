import { randomUUID } from 'node:crypto';
import { Topic } from '@gmp/contracts';
import { decodeInbound, describeRejection } from './inbound-message.js';
import { InProcessBroker } from './in-process.broker.js';
import { InProcessServer } from './in-process.server.js';

const meta = () => ({ messageId: randomUUID(), correlationId: 'c-1', app: 'demo', sentAt: new Date().toISOString() });
const input = { holderType: 'person', holderId: '11010519491231002X' };

const DEEP = `{"meta":${JSON.stringify(meta())},"input":${JSON.stringify(input)},"extra":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
const NUL = JSON.stringify({ meta: { ...meta(), purpose: 'a\u0000b' }, input });
const SURROGATE = JSON.stringify({ meta: { ...meta(), purpose: '\ud800' }, input });

describe('consumed messages too deep or with characters PostgreSQL cannot store', () => {
  it.each([
    ['nested 5,000 levels', DEEP, /nested deeper than 128 levels/],
    ['with NUL', NUL, /meta\.purpose .*NUL/],
    ['with a lone surrogate', SURROGATE, /meta\.purpose .*surrogate/],
  ])('rejects a message %s as not matching its contract', (_name, value, reason) => {
    const inbound = decodeInbound(Topic.LicenceQueryByHolder, Buffer.from(value));
    expect(inbound.ok).toBe(false);
    if (!inbound.ok) expect(describeRejection(inbound)).toMatch(reason);
  });

  it('dead-letters them with the typed INVALID_MESSAGE answer; the handler never sees them', async () => {
    const broker = new InProcessBroker();
    const server = new InProcessServer('tech-hazards', broker);
    const seen: unknown[] = [];
    server.addHandler(Topic.LicenceQueryByHolder, async (data: unknown) => {
      seen.push(data);
      return { licences: [] };
    });
    server.listen(() => undefined);
    for (const value of [DEEP, NUL, SURROGATE]) {
      await expect(broker.request(Topic.LicenceQueryByHolder, value)).rejects.toMatchObject({ code: 'INVALID_MESSAGE', status: 400 });
    }
    expect(broker.deadLetters).toHaveLength(3);
    expect(seen).toHaveLength(0);
    server.close();
  });
});
