import { Injectable } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import type { EntityManager } from 'typeorm';
import { subjectKeyOf } from '@gmp/contracts';
import { quoteTablePath } from '@gmp/messaging';
import { ServiceConfig } from '@gmp/service-kit';
import { DataRecord, DataRecordHistory } from './ingestion.entities.js';

/**
 * Reads stored records. A subject is found by the keyed hash of its key item (the plain ID number
 * or credit code is not kept): `keyOf` is the one place that hash is computed.
 */
@Injectable()
export class RecordReaderService {
  constructor(private readonly config: ServiceConfig) {}

  keyOf(value: unknown): string {
    return subjectKeyOf(String(value), this.config.SUBJECT_KEY_SECRET);
  }

  /**
   * Whether each record was stored already, exactly (same subject, change time and values, as the
   * current record or a version in its history): a redelivered event that today's checks would
   * refuse (a rule tightened since) is recognised as applied instead of quarantined.
   */
  async appliedBefore(m: EntityManager, records: { code: string; keyItem: string; record: Record<string, unknown>; updatedAt: Date }[]) {
    const t = quoteTablePath(m.connection.getMetadata(DataRecord).tablePath);
    const h = quoteTablePath(m.connection.getMetadata(DataRecordHistory).tablePath);
    const keyed = records.map((r) => {
      const { [r.keyItem]: key, ...values } = r.record;
      return {
        ...r,
        key: typeof key === 'string' && key.length <= 64 ? this.keyOf(key) : null,
        values: JSON.parse(JSON.stringify(values)),
      };
    });
    const wanted = keyed.filter((r) => r.key !== null && !Number.isNaN(r.updatedAt.getTime()));
    if (wanted.length === 0) return records.map(() => false);
    const rows = (await m.query(
      `SELECT resource_code, record_key, source_updated_at, "values" FROM ${t}
        WHERE record_key = ANY($1::char(64)[]) AND resource_code = ANY($3::varchar[]) AND source_updated_at = ANY($2::timestamptz[])
       UNION ALL
       SELECT resource_code, record_key, source_updated_at, "values" FROM ${h}
        WHERE resource_code = ANY($3::varchar[]) AND record_key = ANY($1::char(64)[]) AND source_updated_at = ANY($2::timestamptz[])`,
      [
        [...new Set(wanted.map((r) => r.key))],
        [...new Set(wanted.map((r) => r.updatedAt.toISOString()))],
        [...new Set(wanted.map((r) => r.code))],
      ],
    )) as { resource_code: string; record_key: string; source_updated_at: Date; values: Record<string, unknown> }[];
    return keyed.map((r) =>
      rows.some(
        (row) =>
          row.resource_code === r.code &&
          row.record_key.trim() === r.key &&
          row.source_updated_at.getTime() === r.updatedAt.getTime() &&
          isDeepStrictEqual(row.values, r.values),
      ),
    );
  }

  /** A subject's current record of a resource (by the key item's value), or null. */
  async current(
    m: EntityManager,
    resourceCode: string,
    keyValue: string,
  ): Promise<{ values: Record<string, unknown>; version: number; sourceUpdatedAt: Date } | null> {
    return this.currentOfKey(m, resourceCode, this.keyOf(keyValue));
  }

  /** A subject's current record of a resource, by the subject's keyed hash. */
  async currentOfKey(
    m: EntityManager,
    resourceCode: string,
    subjectKey: string,
  ): Promise<{ values: Record<string, unknown>; version: number; sourceUpdatedAt: Date; keyMasked: string } | null> {
    const t = quoteTablePath(m.connection.getMetadata(DataRecord).tablePath);
    const [row] = (await m.query(
      `SELECT "values", version, source_updated_at, key_masked FROM ${t} WHERE resource_code = $1 AND record_key = $2`,
      [resourceCode, subjectKey],
    )) as { values: Record<string, unknown>; version: number; source_updated_at: Date; key_masked: string }[];
    return row ? { values: row.values, version: row.version, sourceUpdatedAt: row.source_updated_at, keyMasked: row.key_masked } : null;
  }
}
