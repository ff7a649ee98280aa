import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type CallMeta, SubjectOfAccountReply, Topic, validateMessage } from '@gmp/contracts';
import { CapabilityClient } from '@gmp/messaging';
import { DataAccessProblem } from './data-access.problems.js';

const IDENTITY_TIMEOUT_MS = 2_000;

/**
 * Whose data a signed-in caller may act on: the person's own (the keyed hash of their ID number,
 * from identity), or a company's when the person is its current agent with `scope`. Only with
 * the person's own token (dispatch marks the end user authenticated); never a subject the caller
 * typed.
 */
@Injectable()
export class CallerSubjectService {
  constructor(private readonly capabilities: CapabilityClient) {}

  async keyOf(meta: CallMeta, company?: { creditCode: string; scope: string }): Promise<string> {
    if (!meta.endUserAuthenticated || !meta.endUser || !/^[0-9a-f-]{36}$/.test(meta.endUser)) throw DataAccessProblem.NOT_SIGNED_IN();
    let reply: unknown;
    try {
      reply = await this.capabilities.request(
        Topic.IdentitySubjectOf,
        null,
        {
          meta: { ...meta, messageId: randomUUID(), sentAt: new Date().toISOString() },
          input: { accountId: meta.endUser, ...(company ? { onBehalfOf: company } : {}) },
        },
        IDENTITY_TIMEOUT_MS,
      );
    } catch {
      throw DataAccessProblem.IDENTITY_UNAVAILABLE();
    }
    const checked = validateMessage(SubjectOfAccountReply, reply);
    if (!checked.ok) throw DataAccessProblem.IDENTITY_UNAVAILABLE('应答不合规 (bad answer)');
    if (!checked.value.subjectKey)
      throw company
        ? DataAccessProblem.NOT_AN_AGENT(`${company.creditCode} (${company.scope})`)
        : DataAccessProblem.NOT_SIGNED_IN('账户不存在 (no such account)');
    return checked.value.subjectKey;
  }
}
