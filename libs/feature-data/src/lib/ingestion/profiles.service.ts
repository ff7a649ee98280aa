import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { quoteTablePath } from '@gmp/messaging';
import { DataRecord, DataRecordLink } from './ingestion.entities.js';

/**
 * 一人一档 / 一企一档: a subject's profile, assembled from the stored records — its own records
 * by resource (`records`), and the records of other subjects that name it (`mentions`: a
 * newborn's birth certificate in each parent's profile). Always current: built from the store
 * when asked, so every ingested record is in it at once.
 */
export interface Profile {
  records: Record<string, Record<string, unknown>>;
  mentions: Record<string, Record<string, unknown>[]>;
}

/** Most mentions read per resource for one profile. */
const MAX_MENTIONS = 100;

@Injectable()
export class ProfilesService {
  /** The profiles of several subjects in two queries (their own records; the records naming each, newest first). */
  async profilesOf(m: EntityManager, subjectKeys: string[]): Promise<Map<string, Profile>> {
    const keys = [...new Set(subjectKeys)];
    const profiles = new Map<string, Profile>(keys.map((k) => [k, { records: {}, mentions: {} }]));
    if (keys.length === 0) return profiles;
    const t = quoteTablePath(m.connection.getMetadata(DataRecord).tablePath);
    const own = (await m.query(`SELECT record_key, resource_code, "values" FROM ${t} WHERE record_key = ANY($1::char(64)[])`, [keys])) as {
      record_key: string;
      resource_code: string;
      values: Record<string, unknown>;
    }[];
    for (const r of own) {
      const profile = profiles.get(r.record_key.trim());
      if (profile) profile.records[r.resource_code] = r.values;
    }
    // The records naming each subject, through the link index; newest first, at most MAX_MENTIONS per resource.
    const l = quoteTablePath(m.connection.getMetadata(DataRecordLink).tablePath);
    const named = (await m.query(
      `SELECT key, resource_code, "values" FROM (
         SELECT l.subject_key AS key, r.resource_code, r."values",
                row_number() OVER (PARTITION BY l.subject_key, l.resource_code ORDER BY r.source_updated_at DESC) AS n
           FROM ${l} l JOIN ${t} r ON r.record_key = l.record_key AND r.resource_code = l.resource_code
          WHERE l.subject_key = ANY($1::char(64)[])) x
        WHERE n <= ${MAX_MENTIONS} ORDER BY n`,
      [keys],
    )) as { key: string; resource_code: string; values: Record<string, unknown> }[];
    for (const r of named) {
      const mentions = profiles.get(r.key.trim())?.mentions;
      if (mentions && (mentions[r.resource_code] ??= []).length < MAX_MENTIONS) mentions[r.resource_code]!.push(r.values);
    }
    return profiles;
  }

  /** Every subject the store knows (own records or named in one), up to `limit`: what a tag rule is run over. */
  async subjects(m: EntityManager, limit: number): Promise<string[]> {
    const t = quoteTablePath(m.connection.getMetadata(DataRecord).tablePath);
    const l = quoteTablePath(m.connection.getMetadata(DataRecordLink).tablePath);
    const rows = (await m.query(
      `SELECT k FROM (SELECT record_key::text AS k FROM ${t} UNION SELECT subject_key::text FROM ${l}) s ORDER BY k LIMIT $1`,
      [limit],
    )) as { k: string }[];
    return rows.map((r) => r.k);
  }
}
