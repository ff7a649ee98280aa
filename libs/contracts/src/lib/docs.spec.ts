import { readFileSync } from 'node:fs';
import { CAPABILITIES } from './capability-catalogue.js';
import { deadLetterTopicOf, replyTopicOf, Topic } from './topics.enum.js';
import { TOPIC_CONTRACTS } from './topic-registry.js';

/** Keeps docs/topics.md and docs/capabilities.md true to the contracts. */
describe('wire documentation', () => {
  const topicsDoc = readFileSync('docs/topics.md', 'utf8');
  const capabilitiesDoc = readFileSync('docs/capabilities.md', 'utf8');

  it.each(Object.values(Topic))('docs/topics.md lists %s with its message class', (topic) => {
    expect(topicsDoc).toContain(`\`${topic}\``);
    expect(topicsDoc).toContain(TOPIC_CONTRACTS[topic].message.name);
    if (TOPIC_CONTRACTS[topic].kind === 'request') expect(topicsDoc).toContain(`\`${replyTopicOf(topic)}\``);
  });

  it('docs/topics.md lists the dead-letter topic of every service', () => {
    for (const service of ['service-dispatch', 'tech-capabilities', 'data-platform', 'business-platform']) {
      expect(topicsDoc).toContain(`\`${deadLetterTopicOf(service)}\``);
    }
  });

  it.each(CAPABILITIES.map((c) => c.code))('docs/capabilities.md documents %s', (code) => {
    expect(capabilitiesDoc).toContain(`## \`${code}\``);
  });

  it('every topic has a contract whose message class is named after what it carries', () => {
    for (const topic of Object.values(Topic)) expect(TOPIC_CONTRACTS[topic].topic).toBe(topic);
  });
});
