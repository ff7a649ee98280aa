import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type CallMeta, SubjectOfAccountReply, Topic, validateMessage } from '@gmp/contracts';
import { CapabilityClient } from './capability.client.js';

const IDENTITY_TIMEOUT_MS = 2_000;

/** Whose data or cases a signed-in caller acts on — or why not (each service answers in its own error vocabulary). */
export type SubjectOfOutcome =
  { key: string } | { refused: 'NOT_SIGNED_IN' | 'NO_ACCOUNT' | 'NOT_AN_AGENT' | 'IDENTITY_UNAVAILABLE'; detail?: string };

/**
 * The keyed hash of the signed-in person's ID number (or of a company's credit code when the
 * person is its current agent with `scope`), asked of identity (`tech.identity.subject-of.v1`).
 * Only with the person's own token — dispatch marks the end user authenticated —, never a subject
 * the caller typed. Needs `identity.subject-of` in the service's requests.
 */
@Injectable()
export class SubjectOfClient {
  constructor(private readonly capabilities: CapabilityClient) {}

  async keyOf(meta: CallMeta, company?: { creditCode: string; scope: string }): Promise<SubjectOfOutcome> {
    if (!meta.endUserAuthenticated || !meta.endUser || !/^[0-9a-f-]{36}$/.test(meta.endUser)) return { refused: 'NOT_SIGNED_IN' };
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
      return { refused: 'IDENTITY_UNAVAILABLE' };
    }
    const checked = validateMessage(SubjectOfAccountReply, reply);
    if (!checked.ok) return { refused: 'IDENTITY_UNAVAILABLE', detail: '应答不合规 (bad answer)' };
    if (!checked.value.subjectKey)
      return company
        ? { refused: 'NOT_AN_AGENT', detail: `${company.creditCode} (${company.scope})` }
        : { refused: 'NO_ACCOUNT', detail: '账户不存在 (no such account)' };
    return { key: checked.value.subjectKey };
  }
}
