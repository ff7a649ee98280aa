import { Injectable } from '@nestjs/common';
import type { CallMeta } from '@gmp/contracts';
import { SubjectOfClient } from '@gmp/messaging';
import { DataAccessProblem } from './data-access.problems.js';

/**
 * Whose data a signed-in caller may act on: the person's own (the keyed hash of their ID number,
 * from identity), or a company's when the person is its current agent with `scope`. Only with
 * the person's own token (dispatch marks the end user authenticated); never a subject the caller
 * typed.
 */
@Injectable()
export class CallerSubjectService {
  constructor(private readonly subjects: SubjectOfClient) {}

  async keyOf(meta: CallMeta, company?: { creditCode: string; scope: string }): Promise<string> {
    const outcome = await this.subjects.keyOf(meta, company);
    if ('key' in outcome) return outcome.key;
    switch (outcome.refused) {
      case 'NOT_SIGNED_IN':
        throw DataAccessProblem.NOT_SIGNED_IN();
      case 'NO_ACCOUNT':
        throw DataAccessProblem.NOT_SIGNED_IN(outcome.detail);
      case 'NOT_AN_AGENT':
        throw DataAccessProblem.NOT_AN_AGENT(outcome.detail);
      default:
        throw DataAccessProblem.IDENTITY_UNAVAILABLE(outcome.detail);
    }
  }
}
