import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsNull, LessThanOrEqual, type DataSource } from 'typeorm';
import type { CallMeta, MyDataUsageReply } from '@gmp/contracts';
import { CallerSubjectService } from '../../caller-subject.service.js';
import { DataAccessRecord } from '../../data-access-record.entity.js';

/** What a company's agent must be authorised for to read the company's log. */
const AGENT_SCOPE = 'data:usage';

/**
 * 我的数据使用记录: the signed-in person reads who used their data — every read and refusal,
 * by which app, for whom, why, on what basis, in which case. Only with the person's own token
 * (dispatch marks the end user authenticated); the subject is never taken from the input, so
 * nobody can ask for another's log. Identity gives the account's keyed subject hash.
 */
@Injectable()
export class ReadMyUsage {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly subjects: CallerSubjectService,
  ) {}

  /** `company`: a credit code — the company's log, for its current agent with the scope `data:usage`. */
  async execute(meta: CallMeta, limit = 100, company?: string): Promise<MyDataUsageReply> {
    const subjectKey = await this.subjects.keyOf(meta, company ? { creditCode: company, scope: AGENT_SCOPE } : undefined);
    // Reads the owner department approved concealing stay out until their time (they are in the sealed log all along).
    const rows = await this.dataSource.getRepository(DataAccessRecord).find({
      where: [
        { subjectKey, hiddenUntil: IsNull() },
        { subjectKey, hiddenUntil: LessThanOrEqual(new Date()) },
      ],
      order: { accessedAt: 'DESC' },
      take: limit,
    });
    return {
      records: rows.map((r) => ({
        accessedAt: r.accessedAt.toISOString(),
        resource: r.resource,
        app: r.app,
        ...(r.purpose ? { purpose: r.purpose } : {}),
        ...(r.caseId ? { caseId: r.caseId } : {}),
        ...(r.legalBasis ? { legalBasis: r.legalBasis } : {}),
        ...(r.legalBasisTitle ? { legalBasisTitle: r.legalBasisTitle } : {}),
        ...(r.department ? { department: r.department } : {}),
        ...(r.processing ? { processing: r.processing } : {}),
        ...(r.bulk ? { bulk: true } : {}),
        outcome: r.outcome,
        itemCount: r.itemCount,
      })),
    };
  }
}
