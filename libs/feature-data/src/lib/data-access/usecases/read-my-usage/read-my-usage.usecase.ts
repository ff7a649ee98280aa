import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsNull, LessThanOrEqual, type DataSource } from 'typeorm';
import { type CallMeta, type MyDataUsageReply, SubjectOfAccountReply, Topic, validateMessage } from '@gmp/contracts';
import { CapabilityClient } from '@gmp/messaging';
import { DataAccessRecord } from '../../data-access-record.entity.js';
import { DataAccessProblem } from '../../data-access.problems.js';

const IDENTITY_TIMEOUT_MS = 2_000;
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
    private readonly capabilities: CapabilityClient,
  ) {}

  /** `company`: a credit code — the company's log, for its current agent with the scope `data:usage`. */
  async execute(meta: CallMeta, limit = 100, company?: string): Promise<MyDataUsageReply> {
    if (!meta.endUserAuthenticated || !meta.endUser || !/^[0-9a-f-]{36}$/.test(meta.endUser)) throw DataAccessProblem.NOT_SIGNED_IN();
    let reply: unknown;
    try {
      reply = await this.capabilities.request(
        Topic.IdentitySubjectOf,
        null,
        {
          meta: { ...meta, messageId: randomUUID(), sentAt: new Date().toISOString() },
          input: { accountId: meta.endUser, ...(company ? { onBehalfOf: { creditCode: company, scope: AGENT_SCOPE } } : {}) },
        },
        IDENTITY_TIMEOUT_MS,
      );
    } catch {
      throw DataAccessProblem.IDENTITY_UNAVAILABLE();
    }
    const checked = validateMessage(SubjectOfAccountReply, reply);
    if (!checked.ok) throw DataAccessProblem.IDENTITY_UNAVAILABLE('应答不合规 (bad answer)');
    if (!checked.value.subjectKey)
      throw company ? DataAccessProblem.NOT_AN_AGENT(company) : DataAccessProblem.NOT_SIGNED_IN('账户不存在 (no such account)');
    // Reads the owner department approved concealing stay out until their time (they are in the sealed log all along).
    const rows = await this.dataSource.getRepository(DataAccessRecord).find({
      where: [
        { subjectKey: checked.value.subjectKey, hiddenUntil: IsNull() },
        { subjectKey: checked.value.subjectKey, hiddenUntil: LessThanOrEqual(new Date()) },
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
