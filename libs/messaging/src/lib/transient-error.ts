/**
 * Whether a handler failure is the infrastructure's (database or network down, overloaded,
 * serialization conflict) rather than the message's: such failures are retried where they
 * happened instead of dead-lettering a message that would succeed a moment later.
 */
export function isTransientError(err: unknown, depth = 0): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown }; message?: unknown; cause?: unknown } | null;
  // What a handler threw, under the typed error an exception filter made of it.
  if (e?.cause !== undefined && depth < 3 && isTransientError(e.cause, depth + 1)) return true;
  const code = String(e?.driverError?.code ?? e?.code ?? '');
  if (/^(08|53|57P)/.test(code) || code === '40001' || code === '40P01') return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND'].includes(code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Driver not Connected|connect ECONNREFUSED/i.test(message);
}

/** Masks what looks like a citizen ID number (18 characters) in text copied to dead letters and logs. */
export function maskIdNumbers(text: string): string {
  return text.replace(/\b(\d{6})\d{8}(\d{3}[\dXx])\b/g, '$1********$2');
}

/**
 * Whether `err`, or an error it wraps (`cause`, kafkajs' `originalError`, an aggregate's
 * `errors`), passes `test` — for classifying what a library rethrew in its own wrapping.
 */
export function someCause(err: unknown, test: (e: { code?: string; type?: string }) => boolean): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0) {
    const e = queue.shift() as { code?: string; type?: string; cause?: unknown; originalError?: unknown; errors?: unknown[] } | null;
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    if (test(e)) return true;
    queue.push(e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : []));
  }
  return false;
}
