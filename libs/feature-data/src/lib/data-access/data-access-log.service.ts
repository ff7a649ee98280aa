import { Injectable } from '@nestjs/common';
import { type CallMeta, subjectKeyOf } from '@gmp/contracts';
import { derivedEventId, IdempotentConsumerService } from '@gmp/messaging';
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
}
