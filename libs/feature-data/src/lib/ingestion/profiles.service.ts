import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { quoteTablePath } from '@gmp/messaging';
import { DataRecord } from './ingestion.entities.js';

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
  async profileOf(m: EntityManager, subjectKey: string): Promise<Profile> {
    const t = quoteTablePath(m.connection.getMetadata(DataRecord).tablePath);
    const own = (await m.query(`SELECT resource_code, "values" FROM ${t} WHERE record_key = $1`, [subjectKey])) as {
      resource_code: string;
      values: Record<string, unknown>;
    }[];
    const named = (await m.query(
      `SELECT resource_code, "values" FROM ${t} WHERE subject_links @> $1::jsonb ORDER BY source_updated_at DESC LIMIT ${MAX_MENTIONS * 10}`,
      [JSON.stringify([subjectKey])],
    )) as { resource_code: string; values: Record<string, unknown> }[];
    const mentions: Profile['mentions'] = {};
    for (const r of named) if ((mentions[r.resource_code] ??= []).length < MAX_MENTIONS) mentions[r.resource_code]!.push(r.values);
    return { records: Object.fromEntries(own.map((r) => [r.resource_code, r.values])), mentions };
  }

  /** Every subject the store knows (own records or named in one), up to `limit`: what a tag rule is run over. */
  async subjects(m: EntityManager, limit: number): Promise<string[]> {
    const t = quoteTablePath(m.connection.getMetadata(DataRecord).tablePath);
    const rows = (await m.query(
      `SELECT k FROM (SELECT record_key::text AS k FROM ${t} UNION SELECT jsonb_array_elements_text(subject_links) FROM ${t}) s ORDER BY k LIMIT $1`,
      [limit],
    )) as { k: string }[];
    return rows.map((r) => r.k);
  }
}
