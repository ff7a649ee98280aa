import { NdjsonError, ndjsonLines, type NdjsonLimits } from './ndjson-lines.js';

const LIMITS: NdjsonLimits = { maxLineBytes: 16, maxBytes: 100, maxLines: 5 };

async function collect(chunks: (string | Buffer)[], limits = LIMITS): Promise<string[]> {
  const out: string[] = [];
  for await (const line of ndjsonLines(
    (async function* () {
      yield* chunks;
    })(),
    limits,
  ))
    out.push(line);
  return out;
}

async function refusal(chunks: (string | Buffer)[], limits = LIMITS): Promise<NdjsonError> {
  const err = await collect(chunks, limits).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(NdjsonError);
  return err as NdjsonError;
}

describe('ndjsonLines', () => {
  it('splits on LF and CRLF, skips blank lines, keeps a last line without its newline', async () => {
    expect(await collect(['a\r\nb\n\n  \r\nc'])).toEqual(['a', 'b', 'c']);
  });

  it('joins a line cut across chunks, a multi-byte character cut in half included', async () => {
    const bytes = Buffer.from('张三\n李四\n');
    const cuts = [1, 2, 4, 5, 8];
    const chunks = cuts.map((c, i) => bytes.subarray(i === 0 ? 0 : cuts[i - 1], c));
    chunks.push(bytes.subarray(8));
    expect(await collect(chunks)).toEqual(['张三', '李四']);
  });

  it.each([
    ['a line longer than the limit in one chunk', ['0123456789abcdefX\n'], 'line-too-long', 1, LIMITS],
    ['a line growing past the limit across chunks', ['ok\n01234567', '89abcdefX'], 'line-too-long', 2, LIMITS],
    ['an unterminated last line past the limit', ['ok\n', '0123456789abcdefXY'], 'line-too-long', 2, LIMITS],
    ['bytes that are not UTF-8', [Buffer.from([0x61, 0x0a, 0xc3, 0x28, 0x0a])], 'not-utf8', 2, LIMITS],
    ['a NUL byte', ['a\nb\u0000\n'], 'nul', 2, LIMITS],
    ['more lines than allowed', ['1\n2\n3\n4\n5\n6\n'], 'too-many-lines', 6, LIMITS],
    ['more bytes than allowed', Array.from({ length: 11 }, () => '123456789\n'), 'too-large', 0, { ...LIMITS, maxLines: 100 }],
  ])('refuses %s, naming the line', async (_what, chunks, kind, line, limits: NdjsonLimits) => {
    const err = await refusal(chunks as (string | Buffer)[], limits);
    expect([err.kind, err.line]).toEqual([kind, line]);
    expect(err.message).toMatch(/[\u4e00-\u9fff].*\(.+\)/);
  });

  it('takes a line of exactly the limit and exactly the allowed number of lines', async () => {
    expect(await collect(['0123456789abcdef\n', '2\n3\n4\n5'])).toEqual(['0123456789abcdef', '2', '3', '4', '5']);
  });
});
