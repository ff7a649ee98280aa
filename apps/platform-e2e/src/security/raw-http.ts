import { connect } from 'node:net';

/**
 * A deliberately permissive HTTP/1.1 client over a plain socket. fetch (undici) and node:http
 * refuse to send what these tests must send — NUL and other control characters, U+2028 or lone
 * surrogates in header values, bodies without a content type, invalid UTF-8 — so requests are
 * written byte for byte here. One connection per request (`Connection: close`).
 */
export interface RawRequest {
  method: string;
  /** Base URL of the service, e.g. http://127.0.0.1:3000 */
  base: string;
  /** The request target exactly as it goes on the request line (path and query, already encoded). */
  target: string;
  /** Header values as strings (written as UTF-8, or WTF-8 for lone surrogates) or raw bytes. */
  headers?: [string, string | Buffer][];
  body?: string | Buffer;
  timeoutMs?: number;
}

export interface RawAnswer {
  /** 0 when no status line came back (timeout, reset, refused). */
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Why there is no answer, or what went wrong after it. */
  error?: string;
  ms: number;
}

/** UTF-8, except that lone surrogates are written as their 3-byte WTF-8 form (what a careless client sends). */
export function wtf8(value: string): Buffer {
  const parts: Buffer[] = [];
  let run = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const isHigh = c >= 0xd800 && c <= 0xdbff;
    const isLow = c >= 0xdc00 && c <= 0xdfff;
    const paired =
      (isHigh && i + 1 < value.length && value.charCodeAt(i + 1) >= 0xdc00 && value.charCodeAt(i + 1) <= 0xdfff) ||
      (isLow && i > 0 && value.charCodeAt(i - 1) >= 0xd800 && value.charCodeAt(i - 1) <= 0xdbff);
    if ((isHigh || isLow) && !paired) {
      parts.push(Buffer.from(run, 'utf8'));
      run = '';
      parts.push(Buffer.from([0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]));
    } else {
      run += value[i];
    }
  }
  parts.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(parts);
}

export function rawRequest(r: RawRequest): Promise<RawAnswer> {
  const started = performance.now();
  const url = new URL(r.base);
  const body = r.body === undefined ? null : Buffer.isBuffer(r.body) ? r.body : wtf8(r.body);
  const lines: Buffer[] = [
    Buffer.from(`${r.method} `, 'latin1'),
    wtf8(r.target),
    Buffer.from(` HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n`, 'latin1'),
  ];
  const names = new Set<string>();
  for (const [name, value] of r.headers ?? []) {
    names.add(name.toLowerCase());
    lines.push(Buffer.from(`${name}: `, 'latin1'), Buffer.isBuffer(value) ? value : wtf8(value), Buffer.from('\r\n', 'latin1'));
  }
  if (body && !names.has('content-length') && !names.has('transfer-encoding'))
    lines.push(Buffer.from(`Content-Length: ${body.length}\r\n`, 'latin1'));
  lines.push(Buffer.from('\r\n', 'latin1'));
  if (body) lines.push(body);
  const payload = Buffer.concat(lines);

  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let error: string | undefined;
    let settled = false;
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parseAnswer(Buffer.concat(chunks)), ...(error ? { error } : {}), ms: performance.now() - started });
    };
    const timer = setTimeout(() => {
      error = `no complete answer within ${r.timeoutMs ?? 20_000} ms`;
      finish();
    }, r.timeoutMs ?? 20_000);
    socket.on('connect', () => socket.write(payload));
    socket.on('data', (c: Buffer) => chunks.push(c));
    // The server may answer and close before it has read everything (e.g. 413, 431): keep what came back.
    socket.on('error', (e: Error) => {
      error ??= `${(e as NodeJS.ErrnoException).code ?? ''} ${e.message}`.trim();
    });
    socket.on('close', finish);
  });
}

function parseAnswer(raw: Buffer): { status: number; headers: Record<string, string>; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: {}, body: raw.toString('utf8').slice(0, 2000) };
  const head = raw.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '');
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = raw.subarray(end + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body);
  return { status: m ? Number(m[1]) : 0, headers, body: body.toString('utf8') };
}

function dechunk(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size <= 0) break;
    out.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/** Runs `jobs` with at most `concurrency` in flight; keeps the order of results. */
export async function pooled<T, R>(items: readonly T[], concurrency: number, job: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      results[i] = await job(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
