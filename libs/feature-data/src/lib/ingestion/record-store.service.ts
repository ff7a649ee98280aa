import { Injectable } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import type { EntityManager } from 'typeorm';
import { quoteTablePath } from '@gmp/messaging';
import { DataRecord, DataRecordHistory, DataRecordLink, type RecordOrigin } from './ingestion.entities.js';
import type { CompiledResource } from './quality-rules.js';
import { RecordReaderService } from './record-reader.service.js';

/** A record after its checks passed, ready to store. */
export interface CheckedRecord {
  checks: CompiledResource;
  department: string;
  updatedAt: Date;
  record: Record<string, unknown>;
  origin: RecordOrigin;
}

export type StoreOutcome = { status: 'stored'; version: number } | { status: 'unchanged' | 'stale' };

/** Called in the transaction of stored records with the keyed hashes of every subject they concern (their own and those they name) and their resources. */
export type StoredListener = (m: EntityManager, subjectKeys: string[], resourceCodes: ReadonlySet<string>) => Promise<void>;

/** `110105********002X` for an 18-character ID number or credit code; ends kept, the rest starred, otherwise. */
export function maskKey(value: string): string {
  if (value.length === 18) return `${value.slice(0, 6)}********${value.slice(-4)}`;
  if (value.length <= 4) return '*'.repeat(value.length);
  return `${value.slice(0, 2)}${'*'.repeat(value.length - 4)}${value.slice(-2)}`;
}

/**
 * Writes checked records. A record is stored under the keyed hash of its key item
 * (the plain ID number or credit code is not kept; a masked form is); its other items in `values`.
 * One statement upserts the current record and appends its history: a record older than the one
 * stored (out of order) or equal to it (a duplicate) changes nothing.
 */
@Injectable()
export class RecordStoreService {
  private readonly listeners: StoredListener[] = [];

  constructor(private readonly reader: RecordReaderService) {}

  /** Registers what must follow a stored record in its transaction (the tags recompute the subjects' membership). */
  onStored(listener: StoredListener): void {
    this.listeners.push(listener);
  }

  /** Stores one checked record (see storeMany). */
  async store(m: EntityManager, c: CheckedRecord, receivedAt: Date): Promise<StoreOutcome> {
    return (await this.storeMany(m, [c], receivedAt))[0]!;
  }

  /**
   * Stores checked records, in their order, as if one by one. Each subject's current record is
   * locked and compared: newer with other values → a new version and a history row; newer with
   * the same values → only its change time moves forward (so a later-arriving older record cannot
   * win); not newer → nothing (`stale`, or `unchanged` when the values are the same). Equal change
   * times keep the record stored first. A few statements per resource, whatever the number of
   * records (locks taken in key order, so concurrent batches cannot deadlock on each other's rows).
   */
  async storeMany(m: EntityManager, checked: CheckedRecord[], receivedAt: Date): Promise<StoreOutcome[]> {
    const outcomes: StoreOutcome[] = new Array(checked.length);
    const groups = new Map<string, number[]>();
    for (const [i, c] of checked.entries()) groups.set(c.checks.code, [...(groups.get(c.checks.code) ?? []), i]);
    const touched: string[] = [];
    // Resources in a fixed order too (a batch mixing resources locks them in the same order as every other).
    const ordered = [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const resources = new Set<string>();
    for (const [code, indexes] of ordered) {
      const before = touched.length;
      const retry = await this.storeGroup(
        m,
        code,
        indexes.map((i) => checked[i]!),
        receivedAt,
        touched,
      );
      if (touched.length > before) resources.add(code);
      for (const [j, outcome] of retry.outcomes.entries()) if (outcome) outcomes[indexes[j]!] = outcome;
      // A first record another transaction stored meanwhile (it committed first): these are compared with it now.
      if (retry.again.length > 0) {
        const again = await this.storeMany(
          m,
          retry.again.map((j) => checked[indexes[j]!]!),
          receivedAt,
        );
        for (const [n, j] of retry.again.entries()) outcomes[indexes[j]!] = again[n]!;
      }
    }
    if (touched.length > 0) for (const listener of this.listeners) await listener(m, [...new Set(touched)], resources);
    return outcomes;
  }

  private async storeGroup(
    m: EntityManager,
    code: string,
    records: CheckedRecord[],
    receivedAt: Date,
    touched: string[],
  ): Promise<{ outcomes: (StoreOutcome | undefined)[]; again: number[] }> {
    const t = quoteTablePath(m.connection.getMetadata(DataRecord).tablePath);
    const h = quoteTablePath(m.connection.getMetadata(DataRecordHistory).tablePath);
    const prepared = records.map((c) => {
      const keyValue = String(c.record[c.checks.keyItem]);
      const { [c.checks.keyItem]: _key, ...values } = c.record;
      const links = [
        ...new Set(
          c.checks.linkItems.flatMap((i) => (typeof c.record[i] === 'string' && c.record[i] ? [this.reader.keyOf(c.record[i])] : [])),
        ),
      ];
      return {
        c,
        keyValue,
        key: this.reader.keyOf(keyValue),
        values: JSON.parse(JSON.stringify(values)) as Record<string, unknown>,
        links,
      };
    });
    const keys = [...new Set(prepared.map((p) => p.key))].sort();
    type Row = {
      record_key: string;
      key_masked: string;
      values: Record<string, unknown>;
      version: number;
      resource_version: number;
      source_department: string;
      source_updated_at: Date;
      origin: string;
      subject_links: string[];
    };
    const rows = (await m.query(
      `SELECT record_key, key_masked, "values", version, resource_version, source_department, source_updated_at, origin, subject_links
         FROM ${t} WHERE resource_code = $1 AND record_key = ANY($2::char(64)[]) ORDER BY record_key FOR UPDATE`,
      [code, keys],
    )) as Row[];
    const state = new Map<string, { row: Row; fresh: boolean; dirty: boolean; linked: string[] }>(
      rows.map((r) => [
        r.record_key.trim(),
        { row: { ...r, record_key: r.record_key.trim() }, fresh: false, dirty: false, linked: r.subject_links },
      ]),
    );
    const rowOf = (p: (typeof prepared)[number], version: number): Row => ({
      record_key: p.key,
      key_masked: maskKey(p.keyValue),
      values: p.values,
      version,
      resource_version: p.c.checks.version,
      source_department: p.c.department,
      source_updated_at: p.c.updatedAt,
      origin: p.c.origin,
      subject_links: p.links,
    });
    const outcomes: StoreOutcome[] = [];
    const history: { p: (typeof prepared)[number]; version: number }[] = [];
    // Subjects whose row, as written, is the state of their newest history entry (its history row is written from the row).
    const fromRow = new Set<string>();
    for (const p of prepared) {
      const current = state.get(p.key);
      if (!current) {
        state.set(p.key, { row: rowOf(p, 1), fresh: true, dirty: true, linked: [] });
        history.push({ p, version: 1 });
        fromRow.add(p.key);
        outcomes.push({ status: 'stored', version: 1 });
        continue;
      }
      const same = isDeepStrictEqual(current.row.values, p.values);
      if (current.row.source_updated_at.getTime() >= p.c.updatedAt.getTime()) {
        outcomes.push({ status: same ? 'unchanged' : 'stale' });
        continue;
      }
      current.dirty = true;
      if (same) {
        // Only the change time moves forward; the rest of the row stays as stored.
        current.row.source_updated_at = p.c.updatedAt;
        fromRow.delete(p.key);
        outcomes.push({ status: 'unchanged' });
        continue;
      }
      current.row = rowOf(p, current.row.version + 1);
      history.push({ p, version: current.row.version });
      fromRow.add(p.key);
      outcomes.push({ status: 'stored', version: current.row.version });
    }
    const columns = `record_key char(64), key_masked varchar, "values" jsonb, version int, resource_version int, source_department varchar,
                     source_updated_at timestamptz, origin varchar, subject_links jsonb`;
    // Rows written in key order, as they were locked: concurrent batches over the same subjects wait, never deadlock on each other's rows.
    const byKey = (a: { record_key: string }, b: { record_key: string }) =>
      a.record_key < b.record_key ? -1 : a.record_key > b.record_key ? 1 : 0;
    // The history row of each record's final state is written from the rows the statement wrote
    // (its values sent once); a version superseded in the same batch, or whose change time a later
    // record of the batch moved, is written on its own below.
    // Change times as ISO strings: a Date's toJSON takes JSON.stringify off its fast path (half the speed).
    const wire = (rows: Row[]) => JSON.stringify(rows.map((r) => ({ ...r, source_updated_at: r.source_updated_at.toISOString() })));
    const historyFromRows = [...fromRow];
    const withHistory = (written: string) =>
      `WITH w AS (${written} RETURNING t.record_key, t.version, t."values", t.source_department, t.source_updated_at, t.origin),
            hist AS (INSERT INTO ${h} (resource_code, record_key, version, "values", source_department, source_updated_at, received_at, origin)
                     SELECT $1, record_key, version, "values", source_department, source_updated_at, $3, origin FROM w
                      WHERE record_key = ANY($4::char(64)[]))
       SELECT record_key FROM w`;
    const inserts = [...state.values()]
      .filter((r) => r.fresh)
      .map((r) => r.row)
      .sort(byKey);
    const again = new Set<string>();
    if (inserts.length > 0) {
      const inserted = (await m.query(
        withHistory(
          `INSERT INTO ${t} AS t (resource_code, record_key, key_masked, "values", version, resource_version, source_department, source_updated_at, received_at, origin, subject_links)
           SELECT $1, v.record_key, v.key_masked, v."values", v.version, v.resource_version, v.source_department, v.source_updated_at, $3, v.origin, v.subject_links
             FROM jsonb_to_recordset($2::jsonb) AS v(${columns})
           ON CONFLICT DO NOTHING`,
        ),
        [code, wire(inserts), receivedAt, historyFromRows],
      )) as { record_key: string }[];
      const done = new Set(inserted.map((r) => r.record_key.trim()));
      for (const r of inserts) if (!done.has(r.record_key)) again.add(r.record_key);
    }
    const updates = [...state.values()]
      .filter((r) => r.dirty && !r.fresh)
      .map((r) => r.row)
      .sort(byKey);
    if (updates.length > 0)
      await m.query(
        withHistory(
          `UPDATE ${t} AS t SET "values" = v."values", version = v.version, resource_version = v.resource_version,
                  source_department = v.source_department, source_updated_at = v.source_updated_at, received_at = $3, origin = v.origin,
                  subject_links = v.subject_links
             FROM jsonb_to_recordset($2::jsonb) AS v(${columns})
            WHERE t.resource_code = $1 AND t.record_key = v.record_key`,
        ),
        [code, wire(updates), receivedAt, historyFromRows],
      );
    // The link index follows each record's subject_links (most records name nobody: nothing to write).
    const l = quoteTablePath(m.connection.getMetadata(DataRecordLink).tablePath);
    const linkChanges = [...state.values()].filter((r) => r.dirty && !again.has(r.row.record_key));
    const unlinked = linkChanges.flatMap((r) => r.linked.filter((k) => !r.row.subject_links.includes(k)).map((k) => [k, r.row.record_key]));
    const linked = linkChanges.flatMap((r) => r.row.subject_links.filter((k) => !r.linked.includes(k)).map((k) => [k, r.row.record_key]));
    if (unlinked.length > 0)
      await m.query(
        `DELETE FROM ${l} AS l USING jsonb_to_recordset($2::jsonb) AS v(s char(64), r char(64))
          WHERE l.subject_key = v.s AND l.resource_code = $1 AND l.record_key = v.r`,
        [code, JSON.stringify(unlinked.map(([k, r]) => ({ s: k, r })))],
      );
    if (linked.length > 0)
      await m.query(
        `INSERT INTO ${l} (subject_key, resource_code, record_key) SELECT v.s, $1, v.r FROM jsonb_to_recordset($2::jsonb) AS v(s char(64), r char(64))
         ON CONFLICT DO NOTHING`,
        [code, JSON.stringify(linked.map(([k, r]) => ({ s: k, r })))],
      );
    const kept = history.filter(({ p }) => !again.has(p.key));
    // Versions whose state is not the row as written (superseded, or their change time moved on, in the same batch).
    const superseded = kept.filter(({ p, version }) => !fromRow.has(p.key) || state.get(p.key)!.row.version !== version);
    if (superseded.length > 0)
      await m.query(
        `INSERT INTO ${h} (resource_code, record_key, version, "values", source_department, source_updated_at, received_at, origin)
         SELECT $1, v.record_key, v.version, v."values", v.source_department, v.source_updated_at, $3, v.origin
           FROM jsonb_to_recordset($2::jsonb) AS v(record_key char(64), version int, "values" jsonb, source_department varchar, source_updated_at timestamptz, origin varchar)`,
        [
          code,
          JSON.stringify(
            superseded.map(({ p, version }) => ({
              record_key: p.key,
              version,
              values: p.values,
              source_department: p.c.department,
              source_updated_at: p.c.updatedAt.toISOString(),
              origin: p.c.origin,
            })),
          ),
          receivedAt,
        ],
      );
    for (const { p } of kept) touched.push(p.key, ...p.links);
    // A subject a record no longer names loses a mention: its tags are re-evaluated too.
    touched.push(...unlinked.map(([k]) => k!));
    return {
      outcomes: prepared.map((p, i) => (again.has(p.key) ? undefined : outcomes[i])),
      again: prepared.flatMap((p, i) => (again.has(p.key) ? [i] : [])),
    };
  }
}
