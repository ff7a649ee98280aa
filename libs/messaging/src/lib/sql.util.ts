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
