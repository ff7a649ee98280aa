import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { subjectKeyOf } from '@gmp/contracts';
import { quoteTablePath } from '@gmp/messaging';
import { ServiceConfig } from '@gmp/service-kit';
import { DataRecord, DataRecordHistory, QuarantineEntry, type RecordOrigin } from './ingestion.entities.js';
import type { CompiledResource, QualityReason } from './quality-rules.js';

/** A record after its checks passed, ready to store. */
export interface CheckedRecord {
  checks: CompiledResource;
  department: string;
  updatedAt: Date;
  record: Record<string, unknown>;
  origin: RecordOrigin;
}

export type StoreOutcome = { status: 'stored'; version: number } | { status: 'unchanged' | 'stale' };

/** Called in the transaction of each stored record with the keyed hashes of every subject it concerns (its own and those it names). */
export type StoredListener = (m: EntityManager, subjectKeys: string[]) => Promise<void>;

/** `110105********002X` for an 18-character ID number or credit code; ends kept, the rest starred, otherwise. */
export function maskKey(value: string): string {
  if (value.length === 18) return `${value.slice(0, 6)}********${value.slice(-4)}`;
  if (value.length <= 4) return '*'.repeat(value.length);
  return `${value.slice(0, 2)}${'*'.repeat(value.length - 4)}${value.slice(-2)}`;
}

/**
 * Writes records and quarantine entries. A record is stored under the keyed hash of its key item
 * (the plain ID number or credit code is not kept; a masked form is); its other items in `values`.
 * One statement upserts the current record and appends its history: a record older than the one
 * stored (out of order) or equal to it (a duplicate) changes nothing.
 */
@Injectable()
export class RecordStoreService {
  private readonly listeners: StoredListener[] = [];

  constructor(private readonly config: ServiceConfig) {}

  /** Registers what must follow a stored record in its transaction (the tags recompute the subjects' membership). */
  onStored(listener: StoredListener): void {
    this.listeners.push(listener);
  }

  keyOf(value: unknown): string {
    return subjectKeyOf(String(value), this.config.SUBJECT_KEY_SECRET);
  }

  /** Values of unique items that another record of the resource already holds, as reasons. */
  async uniquenessReasons(m: EntityManager, c: CheckedRecord): Promise<QualityReason[]> {
    const reasons: QualityReason[] = [];
    const t = quoteTablePath(m.connection.getMetadata(DataRecord).tablePath);
    const key = this.keyOf(c.record[c.checks.keyItem]);
    for (const item of c.checks.uniqueItems) {
      const value = c.record[item];
      if (value === undefined || value === null) continue;
      const [clash] = (await m.query(`SELECT 1 FROM ${t} WHERE resource_code = $1 AND record_key <> $2 AND "values"->>$3 = $4 LIMIT 1`, [
        c.checks.code,
        key,
        item,
        String(value),
      ])) as unknown[];
      if (clash) reasons.push({ rule: 'unique', item, message: `${item} 的值已被另一条记录使用 (another record already has this value)` });
    }
    return reasons;
  }

  /** A subject's current record of a resource (by the key item's value), or null. */
  async current(
    m: EntityManager,
    resourceCode: string,
    keyValue: string,
  ): Promise<{ values: Record<string, unknown>; version: number; sourceUpdatedAt: Date } | null> {
    const t = quoteTablePath(m.connection.getMetadata(DataRecord).tablePath);
    const [row] = (await m.query(`SELECT "values", version, source_updated_at FROM ${t} WHERE resource_code = $1 AND record_key = $2`, [
      resourceCode,
      this.keyOf(keyValue),
    ])) as { values: Record<string, unknown>; version: number; source_updated_at: Date }[];
    return row ? { values: row.values, version: row.version, sourceUpdatedAt: row.source_updated_at } : null;
  }

  /**
   * Stores a checked record. The subject's current record is locked and compared: newer with other
   * values → a new version and a history row; newer with the same values → only its change time
   * moves forward (so a later-arriving older record cannot win); not newer → nothing (`stale`, or
   * `unchanged` when the values are the same). Equal change times keep the record stored first.
   */
  async store(m: EntityManager, c: CheckedRecord, receivedAt: Date): Promise<StoreOutcome> {
    const keyValue = String(c.record[c.checks.keyItem]);
    const key = this.keyOf(keyValue);
    const { [c.checks.keyItem]: _key, ...values } = c.record;
    const plain = JSON.parse(JSON.stringify(values)) as Record<string, unknown>;
    const links = [
      ...new Set(c.checks.linkItems.flatMap((i) => (typeof c.record[i] === 'string' && c.record[i] ? [this.keyOf(c.record[i])] : []))),
    ];
    const t = quoteTablePath(m.connection.getMetadata(DataRecord).tablePath);
    const h = quoteTablePath(m.connection.getMetadata(DataRecordHistory).tablePath);
    const history = (version: number) =>
      m.query(
        `INSERT INTO ${h} (resource_code, record_key, version, "values", source_department, source_updated_at, received_at, origin)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [c.checks.code, key, version, plain, c.department, c.updatedAt, receivedAt, c.origin],
      );
    for (;;) {
      const [current] = (await m.query(
        `SELECT "values", version, source_updated_at FROM ${t} WHERE resource_code = $1 AND record_key = $2 FOR UPDATE`,
        [c.checks.code, key],
      )) as { values: Record<string, unknown>; version: number; source_updated_at: Date }[];
      if (!current) {
        const inserted = (await m.query(
          `INSERT INTO ${t} (resource_code, record_key, key_masked, "values", version, resource_version, source_department, source_updated_at, received_at, origin, subject_links)
           VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING RETURNING version`,
          [
            c.checks.code,
            key,
            maskKey(keyValue),
            plain,
            c.checks.version,
            c.department,
            c.updatedAt,
            receivedAt,
            c.origin,
            JSON.stringify(links),
          ],
        )) as unknown[];
        if (inserted.length === 0) continue; // another transaction stored the first record meanwhile: compare with it
        await history(1);
        for (const listener of this.listeners) await listener(m, [key, ...links]);
        return { status: 'stored', version: 1 };
      }
      const same = isDeepStrictEqual(current.values, plain);
      if (current.source_updated_at.getTime() >= c.updatedAt.getTime()) return { status: same ? 'unchanged' : 'stale' };
      if (same) {
        await m.query(`UPDATE ${t} SET source_updated_at = $3, received_at = $4 WHERE resource_code = $1 AND record_key = $2`, [
          c.checks.code,
          key,
          c.updatedAt,
          receivedAt,
        ]);
        return { status: 'unchanged' };
      }
      const version = current.version + 1;
      await m.query(
        `UPDATE ${t} SET "values" = $3, version = $4, resource_version = $5, source_department = $6, source_updated_at = $7,
                received_at = $8, origin = $9, subject_links = $10
          WHERE resource_code = $1 AND record_key = $2`,
        [c.checks.code, key, plain, version, c.checks.version, c.department, c.updatedAt, receivedAt, c.origin, JSON.stringify(links)],
      );
      await history(version);
      for (const listener of this.listeners) await listener(m, [key, ...links]);
      return { status: 'stored', version };
    }
  }

  async quarantine(
    m: EntityManager,
    e: {
      resourceCode: string;
      department: string;
      record: unknown;
      updatedAt: string | null;
      reasons: QualityReason[];
      origin: RecordOrigin;
    },
    receivedAt: Date,
  ): Promise<string> {
    const id = randomUUID();
    const entry: QuarantineEntry = {
      id,
      resourceCode: e.resourceCode.slice(0, 128),
      department: e.department.slice(0, 64),
      record: e.record,
      sourceUpdatedAt: e.updatedAt,
      reasons: e.reasons,
      origin: e.origin,
      status: 'open',
      attempts: 1,
      receivedAt,
      resolvedAt: null,
      resolvedBy: null,
    };
    await m.getRepository(QuarantineEntry).insert(entry as QueryDeepPartialEntity<QuarantineEntry>);
    return id;
  }
}
