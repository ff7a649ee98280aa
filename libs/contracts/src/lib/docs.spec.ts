import { readFileSync } from 'node:fs';
import { CAPABILITIES } from './capability-catalogue.js';
import { deadLetterTopicOf, replyTopicOf, requestTopicOf, Topic } from './topics.enum.js';
import { TOPIC_CONTRACTS, wireTopicOf, wireTopics } from './topic-registry.js';

/** Keeps docs/topics.md and docs/capabilities.md true to the contracts. */
describe('wire documentation', () => {
  const topicsDoc = readFileSync('docs/topics.md', 'utf8');
  const capabilitiesDoc = readFileSync('docs/capabilities.md', 'utf8');

  it.each(Object.values(Topic))('docs/topics.md lists the message type %s with its message class', (type) => {
    expect(topicsDoc).toContain(`\`${type}\``);
    expect(topicsDoc).toContain(TOPIC_CONTRACTS[type].message.name);
  });

  it.each(wireTopics().map((t) => t.topic))('docs/topics.md lists the Kafka topic %s', (topic) => {
    expect(topicsDoc).toContain(`\`${topic}\``);
  });

  it('docs/topics.md lists the reply and dead-letter topics of every service', () => {
    for (const service of ['service-dispatch', 'tech-capabilities', 'data-platform', 'business-platform']) {
      expect(topicsDoc).toContain(`\`${deadLetterTopicOf(service)}\``);
      expect(topicsDoc).toContain(`\`${replyTopicOf(service)}\``);
    }
  });

  it.each(CAPABILITIES.map((c) => c.code))('docs/capabilities.md documents %s', (code) => {
    expect(capabilitiesDoc).toContain(`## \`${code}\``);
  });

  it("every type has a contract of its own name; requests travel on their owner's request topic, events on their own", () => {
    for (const type of Object.values(Topic)) {
      const contract = TOPIC_CONTRACTS[type];
      expect(contract.topic).toBe(type);
      expect(wireTopicOf(type)).toBe(contract.kind === 'request' ? requestTopicOf(contract.owner) : type);
    }
  });

  it('the number of Kafka topics follows the services and event types, not the capabilities', () => {
    const types = Object.values(Topic);
    const providers = new Set(types.filter((t) => TOPIC_CONTRACTS[t].kind === 'request').map((t) => TOPIC_CONTRACTS[t].owner));
    const events = types.filter((t) => TOPIC_CONTRACTS[t].kind === 'event');
    expect(wireTopics()).toHaveLength(providers.size + events.length);
  });

  it('refuses names that are not service names when deriving topics', () => {
    for (const bad of ['', 'A', 'tech..x', 'tech.capabilities', '-x', 'x-', 'a b', 'x'.repeat(65), 'tech/../x']) {
      expect(() => requestTopicOf(bad)).toThrow();
      expect(() => replyTopicOf(bad)).toThrow();
    }
  });
});
