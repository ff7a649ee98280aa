/** Why an NDJSON stream was refused, with the 1-based line number (0: the stream as a whole). */
export class NdjsonError extends Error {
  constructor(
    readonly kind: 'line-too-long' | 'too-large' | 'too-many-lines' | 'not-utf8' | 'nul',
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

export interface NdjsonLimits {
  maxLineBytes: number;
  maxBytes: number;
  maxLines: number;
}

/**
 * The lines of an NDJSON byte stream, each decoded strictly as UTF-8 (an invalid byte is refused,
 * never replaced), without its `\n` or `\r\n`; blank lines skipped (they are not numbered). Limits
 * are checked as bytes arrive, so an oversized upload is refused without being held in memory.
 */
export async function* ndjsonLines(source: AsyncIterable<Buffer | string>, limits: NdjsonLimits): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let total = 0;
  let lineNo = 0;
  const emit = (bytes: Buffer): string | null => {
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      throw new NdjsonError('not-utf8', lineNo + 1, `第 ${lineNo + 1} 行不是有效的 UTF-8 (line ${lineNo + 1} is not valid UTF-8)`);
    }
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.trim() === '') return null;
    lineNo++;
    if (text.includes('\u0000')) throw new NdjsonError('nul', lineNo, `第 ${lineNo} 行含 NUL 字符 (line ${lineNo} contains a NUL byte)`);
    if (lineNo > limits.maxLines)
      throw new NdjsonError('too-many-lines', lineNo, `至多 ${limits.maxLines} 行 (at most ${limits.maxLines} lines per load)`);
    return text;
  };
  const tooLong = () =>
    new NdjsonError(
      'line-too-long',
      lineNo + 1,
      `第 ${lineNo + 1} 行超过 ${limits.maxLineBytes} 字节 (line ${lineNo + 1} is longer than ${limits.maxLineBytes} bytes)`,
    );
  for await (const piece of source) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    total += chunk.length;
    if (total > limits.maxBytes)
      throw new NdjsonError('too-large', 0, `上传至多 ${limits.maxBytes} 字节 (an upload is at most ${limits.maxBytes} bytes)`);
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      const part = chunk.subarray(start, nl);
      if (pendingBytes + part.length > limits.maxLineBytes) throw tooLong();
      const text = emit(pending.length === 0 ? part : Buffer.concat([...pending, part]));
      pending = [];
      pendingBytes = 0;
      start = nl + 1;
      if (text !== null) yield text;
    }
    const rest = chunk.subarray(start);
    if (pendingBytes + rest.length > limits.maxLineBytes) throw tooLong();
    if (rest.length > 0) {
      pending.push(rest);
      pendingBytes += rest.length;
    }
  }
  if (pendingBytes > 0) {
    const text = emit(Buffer.concat(pending));
    if (text !== null) yield text;
  }
}
