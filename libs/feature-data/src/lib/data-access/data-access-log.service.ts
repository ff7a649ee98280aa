import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type CallMeta, subjectKeyOf } from '@gmp/contracts';
import { derivedEventId, IdempotentConsumerService, quoteTablePath } from '@gmp/messaging';
import { ServiceConfig } from '@gmp/service-kit';
import { DataAccessRecord } from './data-access-record.entity.js';

const GROUP = 'data-platform';

export interface DataAccess {
  meta: CallMeta;
  /** The subject's ID number or credit code (kept only as its keyed hash). */
  subjectId: string;
  resource: string;
  outcome: 'READ' | 'REFUSED';
  itemCount: number;
  /** What the read rests on when not the caller's own declaration (e.g. `grant:<id>` and the grant's legal basis). */
  basis?: { code: string; title: string };
  /** The reading department, when known. */
  department?: string;
  /** Processing type, when not the step's name (e.g. data-prefill for a step named per grant). */
  processing?: string;
  /** Part of bulk processing (a scan over many subjects). */
  bulk?: boolean;
  /** Kept from the subject until then, for the reason given (only under a grant whose owner approved it). */
  hidden?: { until: Date; reason: string };
}

/** A scan over many subjects' profiles (a tag or policy rule run over every subject): bulk processing. */
export interface DataScan {
  meta: CallMeta;
  /** The subjects whose profiles were read (keyed hashes). */
  subjectKeys: readonly string[];
  /** What the rule reads (catalogue resources), or `profile` when it may read any of them. */
  resources: readonly string[];
  /** Processing type, e.g. tag-dry-run, tag-publish. */
  processing: string;
  /** Why, as the subject reads it (e.g. 政策 JS-ZC-YEBT 资格筛查). */
  purpose: string;
}

/** "Who used my data" (数据使用记录): one record per read or refusal of a subject's data, once per request. */
@Injectable()
export class DataAccessLogService {
  constructor(
    private readonly once: IdempotentConsumerService,
    private readonly config: ServiceConfig,
  ) {}

  async record(a: DataAccess, step: string): Promise<void> {
    const subjectKey = subjectKeyOf(a.subjectId, this.config.SUBJECT_KEY_SECRET);
    // One record per request, step, subject and basis: a request id reused for another subject or grant is recorded too.
    const eventId = derivedEventId(a.meta.messageId, `${step}|${subjectKey}|${a.basis?.code ?? ''}|${a.resource}`);
    await this.once.insertOnce(GROUP, eventId, DataAccessRecord, {
      eventId,
      subjectKey,
      resource: a.resource.slice(0, 64),
      provider: 'data-platform',
      app: a.meta.app,
      endUser: a.meta.endUser ?? null,
      purpose: a.meta.purpose ?? null,
      caseId: a.meta.caseId ?? null,
      legalBasis: a.basis?.code ?? a.meta.legalBasis ?? null,
      legalBasisTitle: (a.basis?.title ?? a.meta.legalBasisTitle ?? null)?.slice(0, 256) ?? null,
      outcome: a.outcome,
      correlationId: a.meta.correlationId,
      itemCount: a.itemCount,
      accessedAt: new Date(),
      department: a.department?.slice(0, 64) ?? null,
      processing: (a.processing ?? step).slice(0, 32),
      bulk: a.bulk ?? false,
      hiddenUntil: a.hidden?.until ?? null,
      hiddenReason: a.hidden?.reason.slice(0, 256) ?? null,
    });
  }

  /**
   * A scan, recorded as one bulk record per subject and resource read — one statement per
   * resource, in the caller's transaction when it has one (a publication's records commit with its
   * new members). Once per request (the meta's message id is in each record's id): a redelivered
   * request records nothing twice. A rule that reads nothing (e.g. `false`) records nothing.
   */
  async recordScan(m: EntityManager, scan: DataScan): Promise<number> {
    if (scan.subjectKeys.length === 0) return 0;
    const t = quoteTablePath(m.getRepository(DataAccessRecord).metadata.tablePath);
    let recorded = 0;
    for (const resource of scan.resources) {
      const rows = (await m.query(
        `WITH inserted AS (
         INSERT INTO ${t} (event_id, subject_key, resource, provider, app, end_user, purpose, case_id, correlation_id,
                           legal_basis, legal_basis_title, outcome, item_count, accessed_at, department, processing, bulk)
         SELECT md5($1 || '|' || k || '|' || $2)::uuid, k, $2, 'data-platform', $3, $4, $5, NULL, $6, $7, $8, 'READ', 0, now(), NULL, $9, true
           FROM unnest($10::text[]) AS k
         ON CONFLICT (event_id) DO NOTHING
         RETURNING 1)
         SELECT count(*)::int AS n FROM inserted`,
        [
          `${scan.meta.messageId}|${scan.processing}`,
          resource.slice(0, 64),
          scan.meta.app.slice(0, 64),
          scan.meta.endUser?.slice(0, 128) ?? null,
          scan.purpose.slice(0, 256),
          scan.meta.correlationId,
          scan.meta.legalBasis ?? null,
          scan.meta.legalBasisTitle?.slice(0, 256) ?? null,
          scan.processing.slice(0, 32),
          [...scan.subjectKeys],
        ],
      )) as { n: number }[];
      recorded += rows[0]?.n ?? 0;
    }
    return recorded;
  }
}
