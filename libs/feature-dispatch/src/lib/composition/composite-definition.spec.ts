import { readFileSync } from 'node:fs';
import { ProblemException } from '@gmp/service-kit';
import { readDefinition } from './composite-definition.js';

const example = readFileSync(new URL('./examples/citizen-licences.composite.yaml', import.meta.url), 'utf8');

/** The problem code a YAML body is refused with, or 'read' when it is read (valid or not as a definition). */
function outcome(yaml: string): string {
  try {
    readDefinition(yaml);
    return 'read';
  } catch (err) {
    if (err instanceof ProblemException) return (err.getResponse() as { code: string }).code;
    throw err;
  }
}

describe('composite definitions in YAML: nesting and characters bounded as in JSON bodies', () => {
  it('reads the shipped example', () => {
    expect(readDefinition(example).problems).toEqual([]);
  });

  it.each([
    ['5,000 flow sequences', `input: ${'['.repeat(5000)}${']'.repeat(5000)}`],
    ['5,000 flow mappings', `input: ${'{a: '.repeat(5000)}1${'}'.repeat(5000)}`],
    ['5,000 indented mappings', Array.from({ length: 5000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1'],
    ['65 levels', `input: ${'['.repeat(64)}${']'.repeat(64)}`],
    ['compact nested sequences', `input:\n  ${'- '.repeat(70)}1`],
  ])('answers %s with 400 BODY_TOO_DEEP', (_name, yaml) => {
    expect(outcome(yaml)).toBe('BODY_TOO_DEEP');
  });

  it('reads 64 levels', () => {
    expect(outcome(`input: ${'['.repeat(63)}${']'.repeat(63)}`)).toBe('read');
  });

  it.each([
    ['NUL in a double-quoted string', 'name: "a\\0b"'],
    ['an escaped \\u0000', 'name: "a\\u0000b"'],
    ['NUL in a key', '"k\\0": 1'],
    ['a lone surrogate', 'name: "a\\ud800"'],
  ])('answers %s with 400 INVALID_CHARACTERS', (_name, yaml) => {
    expect(outcome(`code: composite.x\n${yaml}\n`)).toBe('INVALID_CHARACTERS');
  });

  it('still answers YAML that does not parse with 400 INVALID_YAML', () => {
    expect(outcome('code: [unclosed')).toBe('INVALID_YAML');
  });
});
