import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';

/** `schema.table` (TypeORM's tablePath) as a quoted SQL identifier: `"schema"."table"`. */
export function quoteTablePath(tablePath: string): string {
  return tablePath
    .split('.')
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join('.');
}

/** A one-line description of anything thrown (for logs and dead-letter headers). */
/**
 * The rows a raw `… RETURNING` statement answered, whatever the driver: node-postgres through
 * TypeORM answers an UPDATE or DELETE as [rows, count], an INSERT (and PGlite) as the rows.
 */
export function returnedRows(answer: unknown[]): unknown[] {
  return Array.isArray(answer[0]) ? (answer[0] as unknown[]) : answer;
}

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

/**
 * Runs a hot statement as a named prepared statement on TypeORM's PostgreSQL pool: each
 * connection parses and plans it once instead of on every call (a large CTE can cost more to
 * plan than to run). `name` must be unique per SQL text. Returns the rows.
 *
 * Where the pool's connections share one database session (standalone mode's embedded store
 * multiplexes every connection onto one PGlite session), a name prepared by one connection
 * would collide with the next (`prepared statement … already exists`): there
 * `DB_NAMED_STATEMENTS=false` runs the statement unnamed.
 */
export async function preparedQuery<R>(dataSource: DataSource, name: string, text: string, values: unknown[]): Promise<R[]> {
  return (await statementPool(dataSource).query<R>({ name, text, values })).rows;
}

type PgQuery = { name?: string; text: string; values?: unknown[] };

/**
 * TypeORM's PostgreSQL pool as a `query({ name?, text, values })` client — for libraries that
 * name their statements (rate-limiter-flexible's `pool` store) — that drops the names where
 * connections share one session (`DB_NAMED_STATEMENTS=false`, standalone's embedded store).
 */
export function statementPool(dataSource: DataSource): { query<R>(q: PgQuery): Promise<{ rows: R[] }> } {
  const named = (dataSource.options as { extra?: { gmpNamedStatements?: boolean } }).extra?.gmpNamedStatements !== false;
  return {
    query<R>(q: PgQuery) {
      const pool = (dataSource.driver as unknown as { master?: { query(q: PgQuery): Promise<{ rows: R[] }> } }).master;
      if (!pool) return Promise.reject(new Error('statementPool needs the PostgreSQL driver'));
      return pool.query(named || !q.name ? q : { text: q.text, ...(q.values ? { values: q.values } : {}) });
    },
  };
}
