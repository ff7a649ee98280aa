import { Injectable } from '@nestjs/common';
import type { CallMeta } from '@gmp/contracts';
import { AccountsService, AgentsService } from '@gmp/tech-identity';
import { LicenceProblem } from './licence.problems.js';

/** The agent scope that lets a company's agent grant use of the company's licences. */
const AGENT_SCOPE = 'licence:authorise';

/** Who may grant and withdraw use of a holder's licences: the holder signed in, or a company holder's agent (asked of the identity module). */
@Injectable()
export class LicenceHolderService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly agents: AgentsService,
  ) {}

  /** The signed-in person (the end user of a user token), else 403 HOLDER_NOT_SIGNED_IN. */
  async signedInHolder(meta: CallMeta): Promise<{ id: string; idKey: string }> {
    const account =
      meta.endUser && meta.endUserAuthenticated && /^[0-9a-f-]{36}$/.test(meta.endUser) ? await this.accounts.find(meta.endUser) : null;
    if (!account) throw LicenceProblem.HOLDER_NOT_SIGNED_IN();
    return account;
  }

  /** The person is the holder, or a current agent of the company holder with scope licence:authorise (asked of the identity module). */
  async mayActFor(person: { id: string; idKey: string }, holderKey: string): Promise<boolean> {
    return holderKey === person.idKey || this.agents.actsFor(person.id, holderKey, AGENT_SCOPE);
  }
}
