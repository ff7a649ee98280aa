import { DEFAULT_JSON_MAX_DEPTH, jsonBodyParser, offsetBeyondDepth, parseJsonBody } from './json-body.parser.js';
import { ProblemException } from './problem.js';

/** The problem a body is refused with (status, code, detail, field errors), or 'accepted'. */
function refusal(
  text: string,
  maxDepth?: number,
): { status: number; code: string; detail?: string; errors?: { field: string; message: string }[] } | 'accepted' {
  try {
    parseJsonBody(Buffer.from(text, 'utf8'), maxDepth);
    return 'accepted';
  } catch (err) {
    if (!(err instanceof ProblemException)) throw err;
    const { status, code, detail, errors } = err.getResponse() as {
      status: number;
      code: string;
      detail?: string;
      errors?: { field: string; message: string }[];
    };
    return { status, code, detail, errors };
  }
}

const objects = (levels: number) => `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
const arrays = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

describe('JSON body parser', () => {
  it('limits nesting to 64 levels by default', () => {
    expect(DEFAULT_JSON_MAX_DEPTH).toBe(64);
  });

  it.each([
    ['objects', objects],
    ['arrays', arrays],
  ])('accepts %s nested exactly at the limit and refuses one level more', (_kind, nest) => {
    expect(refusal(nest(64))).toBe('accepted');
    expect(refusal(nest(65))).toMatchObject({ status: 400, code: 'BODY_TOO_DEEP' });
    expect(refusal(nest(8), 8)).toBe('accepted');
    expect(refusal(nest(9), 8)).toMatchObject({ status: 400, code: 'BODY_TOO_DEEP' });
  });

  it.each([
    ['5,000 levels of {"a":', `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`],
    ['5,000 levels of [', `${'['.repeat(5000)}${']'.repeat(5000)}`],
    ['5,000 unclosed {"a":', '{"a":'.repeat(5000)],
    ['a million [', '['.repeat(1_000_000)],
  ])('refuses %s with 400 BODY_TOO_DEEP, never a stack overflow', (_name, text) => {
    expect(refusal(text)).toMatchObject({ status: 400, code: 'BODY_TOO_DEEP' });
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ s: '['.repeat(500), t: `\\"${'{'.repeat(500)}`, u: '"[[[[' });
    expect(offsetBeyondDepth(text, 2)).toBe(-1);
    expect(refusal(text, 2)).toBe('accepted');
    expect(offsetBeyondDepth('{"a":[[1]]}', 2)).toBe(6);
  });

  it.each([
    ['an escaped \\u0000 in a value', '{"name":"a\\u0000b"}', 'name', /NUL/],
    ['an escaped \\u0000 in a key', '{"ok":{"k\\u0000":1}}', 'ok["k\\u0000"]', /NUL/],
    ['NUL in a value deep in an array', '{"items":[{"v":"x"},{"v":"\\u0000"}]}', 'items[1].v', /NUL/],
    ['NUL in a key at the top', '{"\\u0000":1}', '["\\u0000"]', /NUL/],
    ['a lone high surrogate \\ud800', '{"name":"a\\ud800"}', 'name', /surrogate/],
    ['a lone low surrogate \\udc00', '{"name":"\\udc00b"}', 'name', /surrogate/],
    ['a reversed pair \\udc00\\ud800', '["\\udc00\\ud800"]', '[0]', /surrogate/],
    ['a lone surrogate in a key', '{"a\\ud800":1}', '["a\\ud800"]', /surrogate/],
    ['a NUL string as the whole body', '"\\u0000"', '', /NUL/],
  ])('refuses %s with 400 INVALID_CHARACTERS naming the path', (_name, text, field, message) => {
    const answer = refusal(text);
    expect(answer).toMatchObject({ status: 400, code: 'INVALID_CHARACTERS', errors: [{ field, message: expect.stringMatching(message) }] });
    // The path shown is escaped text: the answer itself carries no NUL or lone surrogate.
    if (answer === 'accepted') return;
    for (const text of [answer.detail ?? '', ...(answer.errors ?? []).map((e) => e.field)]) {
      expect(text.includes('\0') || /\p{Cs}/u.test(text)).toBe(false);
    }
  });

  it('accepts a valid surrogate pair, escaped or not, and other control escapes', () => {
    expect(parseJsonBody('{"face":"\\ud83d\\ude00","raw":"😀","tab":"a\\tb","nul-ish":"\\\\u0000"}')).toEqual({
      face: '😀',
      raw: '😀',
      tab: 'a\tb',
      'nul-ish': '\\u0000',
    });
  });

  it.each([
    ['not JSON', '{not json'],
    ['truncated', '{"a":'],
    ['empty', ''],
    ['a raw NUL byte', '{"a":"\u0000"}'],
    ['trailing garbage', '{} x'],
  ])('answers %s with 400 INVALID_REQUEST', (_name, text) => {
    expect(refusal(text)).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
  });

  it.each([
    ['__proto__', '{"__proto__":{"admin":true}}'],
    ['__proto__ escaped', '{"\\u005f_proto__":{"admin":true}}'],
    ['__proto__ nested', '{"a":[{"__proto__":{}}]}'],
    ['constructor.prototype', '{"constructor":{"prototype":{"admin":true}}}'],
  ])('refuses prototype poisoning (%s) as Fastify does', (_name, text) => {
    expect(refusal(text)).toMatchObject({
      status: 400,
      code: 'INVALID_REQUEST',
      detail: expect.stringMatching(/forbidden prototype property/),
    });
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
  });

  it('parses ordinary bodies, with a byte order mark too', () => {
    expect(parseJsonBody(Buffer.from('{"holderType":"person","n":[1,2.5,null,true],"s":"统一身份"}'))).toEqual({
      holderType: 'person',
      n: [1, 2.5, null, true],
      s: '统一身份',
    });
    expect(parseJsonBody('\ufeff{"a":1}')).toEqual({ a: 1 });
    expect(parseJsonBody('{"constructor":"just a string"}')).toEqual({ constructor: 'just a string' });
  });

  it('hands the result or the problem to Fastify through done()', () => {
    const parse = jsonBodyParser(8);
    const calls: [Error | null, unknown][] = [];
    parse({} as never, Buffer.from('{"a":1}'), (err, body) => calls.push([err, body]));
    parse({} as never, Buffer.from(arrays(9)), (err, body) => calls.push([err, body]));
    expect(calls[0]).toEqual([null, { a: 1 }]);
    expect(calls[1]![0]).toBeInstanceOf(ProblemException);
    expect((calls[1]![0] as ProblemException).getStatus()).toBe(400);
  });
});
