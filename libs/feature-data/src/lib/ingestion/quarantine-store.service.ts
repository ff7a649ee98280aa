import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { QuarantineEntry, type RecordOrigin } from './ingestion.entities.js';
import type { QualityReason } from './quality-rules.js';

/** Writes failing records to the quarantine (问题数据): kept with every reason, never dropped. */
@Injectable()
export class QuarantineStoreService {
  /**
   * Quarantines failing records with their reasons, in one statement; returns their ids. An entry
   * given an id (the event id of a record from Kafka) is written once: a redelivered event finds
   * its entry already there.
   */
  async quarantineMany(m: EntityManager, entries: QuarantineInput[], receivedAt: Date): Promise<string[]> {
    const rows: QuarantineEntry[] = entries.map((e) => ({
      id: e.id ?? randomUUID(),
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
    }));
    if (rows.length > 0)
      await m
        .getRepository(QuarantineEntry)
        .createQueryBuilder()
        .insert()
        .values(rows as QueryDeepPartialEntity<QuarantineEntry>[])
        .orIgnore()
        .execute();
    return rows.map((r) => r.id);
  }
}

/** A record that failed its checks, as the quarantine keeps it. */
export interface QuarantineInput {
  /** Given for a record from Kafka (its event id): written once however often the event is delivered. */
  id?: string;
  resourceCode: string;
  department: string;
  record: unknown;
  updatedAt: string | null;
  reasons: QualityReason[];
  origin: RecordOrigin;
}
