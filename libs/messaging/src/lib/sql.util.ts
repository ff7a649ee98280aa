import { createHash } from 'node:crypto';

/** `schema.table` (TypeORM's tablePath) as a quoted SQL identifier: `"schema"."table"`. */
export function quoteTablePath(tablePath: string): string {
  return tablePath
    .split('.')
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join('.');
}

/** A one-line description of anything thrown (for logs and dead-letter headers). */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}

/**
 * A stable UUID for an event caused by a message: handling the same message twice (a replay)
 * yields the same event id, so the second write is recognised as a duplicate.
 */
export function derivedEventId(sourceMessageId: string, kind: string): string {
  const h = createHash('sha256').update(`${kind}\u0000${sourceMessageId}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
