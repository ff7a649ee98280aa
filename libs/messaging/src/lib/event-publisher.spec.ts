import { InProcessEventPublisher, type OutboundEvent, PartialPublishError } from './event-publisher.js';
import { InProcessBroker } from './in-process.broker.js';

const event = (eventId: string, topic: string): OutboundEvent => ({ eventId, topic, key: null, payload: { eventId } });

describe('InProcessEventPublisher', () => {
  it('delivers what it can: a topic without a consumer keeps its events, in order, and holds back no other topic', async () => {
    const broker = new InProcessBroker();
    const got: string[] = [];
    broker.register('tech.licence.accessed.v1', 'data-platform', async (value) => void got.push(JSON.parse(value).eventId));
    const publisher = new InProcessEventPublisher(broker);
    const err = await publisher
      .publish([
        event('a1', 'platform.capability.announced.v1'),
        event('b1', 'tech.licence.accessed.v1'),
        event('a2', 'platform.capability.announced.v1'),
        event('b2', 'tech.licence.accessed.v1'),
      ])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PartialPublishError);
    expect((err as PartialPublishError).delivered).toEqual(['b1', 'b2']);
    expect((err as PartialPublishError).message).toMatch(/no consumer for platform\.capability\.announced\.v1/);
    expect(got).toEqual(['b1', 'b2']);
  });

  it('stops a topic at its first failing event, so a later event of that topic never overtakes it', async () => {
    const broker = new InProcessBroker();
    const got: string[] = [];
    broker.register('t.v1', 'g', async (value) => {
      const id = JSON.parse(value).eventId as string;
      if (id === 'x2') throw new Error('handler down');
      got.push(id);
    });
    const err = await new InProcessEventPublisher(broker)
      .publish([event('x1', 't.v1'), event('x2', 't.v1'), event('x3', 't.v1')])
      .catch((e: unknown) => e);
    expect((err as PartialPublishError).delivered).toEqual(['x1']);
    expect(got).toEqual(['x1']);
  });

  it('answers nothing when every event is delivered', async () => {
    const broker = new InProcessBroker();
    broker.register('t.v1', 'g', async () => undefined);
    await expect(new InProcessEventPublisher(broker).publish([event('y1', 't.v1'), event('y2', 't.v1')])).resolves.toBeUndefined();
  });
});
