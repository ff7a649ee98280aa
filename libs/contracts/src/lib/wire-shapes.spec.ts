import { jsonSchemaOf } from './capability-schema.util.js';
import { TOPIC_CONTRACTS } from './topic-registry.js';

/**
 * NestJS's Kafka serializer takes any payload with a top-level `key` or `value` property for a
 * ready-made Kafka record and sends its `value` alone (kafka-request.serializer.js): a reply or
 * event shaped like that would arrive as a bare string. No message of the wire may have that shape.
 */
describe('wire shapes', () => {
  const classes = Object.values(TOPIC_CONTRACTS).flatMap((c) => [c.message, ...(c.reply ? [c.reply] : [])]);

  it.each(classes.map((c) => [c.name, c]))('%s has no top-level `key` or `value` (the Kafka transport would unwrap it)', (_name, cls) => {
    const properties = (jsonSchemaOf(cls as new () => object).properties ?? {}) as Record<string, unknown>;
    expect(Object.keys(properties).filter((p) => p === 'key' || p === 'value')).toEqual([]);
  });

  it('the check sees a message’s properties', () => {
    const reply = Object.values(TOPIC_CONTRACTS).find((c) => c.reply?.name === 'DataItemReply')!.reply!;
    expect(Object.keys((jsonSchemaOf(reply).properties ?? {}) as object)).toEqual(expect.arrayContaining(['item', 'itemValue', 'masked']));
  });
});
