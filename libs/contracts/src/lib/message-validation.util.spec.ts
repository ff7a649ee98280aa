import { randomUUID } from 'node:crypto';
import { findJsonHazard, MESSAGE_MAX_DEPTH, validateMessage } from './message-validation.util.js';
import { LicenceByHolderRequest } from './licence.messages.js';
import { SealVerifyRequest } from './seal.messages.js';
import { CallMeta } from './call-meta.message.js';

const meta = () => ({ messageId: randomUUID(), correlationId: 'c-1', app: 'demo', sentAt: new Date().toISOString() });
const request = (input: Record<string, unknown>) => ({
  meta: meta(),
  input: { holderType: 'person', holderId: '11010519491231002X', ...input },
});

/** `levels` objects nested: `{ a: { a: … {} } }` (`{}` is 1 level). */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

describe('validateMessage: values that cannot be handled or stored', () => {
  it('accepts a valid message', () => {
    expect(validateMessage(LicenceByHolderRequest, request({})).ok).toBe(true);
  });

  it('answers a message nested 5,000 levels deep with a typed failure, not a stack overflow', () => {
    const raw = { ...request({}), extra: JSON.parse(`${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`) as unknown };
    const result = validateMessage(LicenceByHolderRequest, raw);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]!.message).toMatch(/nested deeper than 128 levels/);
      expect(result.errors[0]!.field).toMatch(/^extra(\.a)+$/);
    }
    const arrays = JSON.parse(`{"x":${'['.repeat(5000)}${']'.repeat(5000)}}`) as unknown;
    expect(validateMessage(LicenceByHolderRequest, arrays).ok).toBe(false);
  });

  it('accepts nesting up to MESSAGE_MAX_DEPTH and refuses one level more', () => {
    expect(MESSAGE_MAX_DEPTH).toBe(128);
    // The message object itself is level 1, its `extra` level 2.
    const at = validateMessage(LicenceByHolderRequest, { ...request({}), extra: nested(MESSAGE_MAX_DEPTH - 1) });
    expect(at.ok).toBe(true);
    const over = validateMessage(LicenceByHolderRequest, { ...request({}), extra: nested(MESSAGE_MAX_DEPTH) });
    expect(over.ok).toBe(false);
    expect(validateMessage(LicenceByHolderRequest, { ...request({}), extra: nested(3) }, { maxDepth: 3 }).ok).toBe(false);
  });

  it.each([
    ['NUL in a value', request({ typeCode: 'A\u0000' }), 'input.typeCode', /NUL/],
    ['NUL in a key', { ...request({}), extra: { 'k\u0000': 1 } }, 'extra["k\\u0000"]', /key contains NUL/],
    ['a lone surrogate', { ...request({}), meta: { ...meta(), purpose: 'x\ud800' } }, 'meta.purpose', /lone UTF-16 surrogate/],
    ['a lone low surrogate in an array', { ...request({}), list: ['ok', '\udc00'] }, 'list[1]', /surrogate/],
  ])('refuses %s with a typed failure naming the field', (_name, raw, field, message) => {
    const result = validateMessage(LicenceByHolderRequest, raw);
    expect(result).toEqual({ ok: false, errors: [{ field, message: expect.stringMatching(message) }] });
  });

  it('accepts a valid surrogate pair', () => {
    expect(validateMessage(LicenceByHolderRequest, { ...request({}), meta: { ...meta(), purpose: '办事 😀' } }).ok).toBe(true);
  });
});

describe('findJsonHazard', () => {
  it('finds nothing in ordinary values and scalars', () => {
    expect(findJsonHazard({ a: [1, 'two', { three: null }], b: true }, 3)).toBeNull();
    expect(findJsonHazard(42, 1)).toBeNull();
    expect(findJsonHazard('text', 1)).toBeNull();
  });

  it('reports a hazard with a readable path (a container’s own strings before its children)', () => {
    expect(findJsonHazard({ a: { b: 'ok' }, c: ['x', { 'odd key': '\u0000' }], d: '\u0000' }, 10)).toEqual({
      problem: 'unstorable-character',
      path: 'd',
      character: 'NUL',
      inKey: false,
    });
    expect(findJsonHazard({ a: { b: 'ok' }, c: ['x', { 'odd key': '\u0000' }] }, 10)).toEqual({
      problem: 'unstorable-character',
      path: 'c[1]["odd key"]',
      character: 'NUL',
      inKey: false,
    });
    expect(findJsonHazard('\ud800', 1)).toEqual({ problem: 'unstorable-character', path: '', character: 'lone surrogate', inKey: false });
    expect(findJsonHazard([[[]]], 2)).toEqual({ problem: 'too-deep', path: '[0][0]', limit: 2 });
  });

  it('stops on cycles (a too-deep answer, not a hang)', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(findJsonHazard(cyclic, 16)).toMatchObject({ problem: 'too-deep' });
  });

  it('refuses numbers JSON.parse made infinite (1e309) wherever they are, naming the path', () => {
    const raw = JSON.parse(
      `{"meta":${JSON.stringify(meta())},"input":{"holderType":"person","holderId":"11010519491231002X"},"extra":{"list":[1,-1e309]}}`,
    ) as Record<string, unknown>;
    const result = validateMessage(LicenceByHolderRequest, raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual([{ field: 'extra.list[1]', message: expect.stringContaining('1e309') }]);
    expect(findJsonHazard(Infinity, 8)).toEqual({ problem: 'non-finite-number', path: '' });
    expect(findJsonHazard({ a: NaN }, 8)).toEqual({ problem: 'non-finite-number', path: 'a' });
    expect(findJsonHazard({ a: 1e308 }, 8)).toBeNull();
  });

  it('refuses null for an optional field (omitted means absent; @IsOptional would let null reach the handler)', () => {
    const withNull = validateMessage(SealVerifyRequest, { meta: meta(), input: { pdf: null } });
    expect(withNull).toEqual({ ok: false, errors: [{ field: 'input.pdf', message: expect.stringContaining('omitted, not null') }] });
    expect(validateMessage(SealVerifyRequest, { meta: meta(), input: {} }).ok).toBe(true);
    expect(validateMessage(CallMeta, { ...meta(), endUser: null }).ok).toBe(false);
    expect(validateMessage(CallMeta, { ...meta(), endUser: 'u-1' }).ok).toBe(true);
  });
});
