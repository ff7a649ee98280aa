import { Injectable } from '@nestjs/common';
import type { CallMeta } from '@gmp/contracts';
import { SubjectOfClient } from '@gmp/messaging';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { BizCase } from '../cases/cases.entities.js';
import { ApplicantProblem } from './applicant.problems.js';

/** What an agent must be authorised for to act on a company's cases, or on its policy offers. */
export type AgentScope = 'case:manage' | 'policy:manage';

/** The signed-in applicant (from identity, never from the input) and their cases. */
@Injectable()
export class ApplicantSubjectService {
  constructor(
    private readonly subjects: SubjectOfClient,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * The keyed hash of the signed-in person's ID number — what their cases are filed under — or,
   * with `company`, of the company's credit code when identity says the person is its current
   * agent with `scope` (case:manage, policy:manage).
   */
  async keyOf(meta: CallMeta, company?: string, scope: AgentScope = 'case:manage'): Promise<string> {
    const outcome = await this.subjects.keyOf(meta, company ? { creditCode: company, scope } : undefined);
    if ('key' in outcome) return outcome.key;
    if (outcome.refused === 'IDENTITY_UNAVAILABLE') throw ApplicantProblem.IDENTITY_UNAVAILABLE(outcome.detail);
    if (outcome.refused === 'NOT_AN_AGENT') throw ApplicantProblem.NOT_AN_AGENT(outcome.detail);
    throw ApplicantProblem.NOT_SIGNED_IN(outcome.detail);
  }

  /** One of the signed-in person's (or their company's) cases; anybody else's is "not found". */
  async caseOf(meta: CallMeta, caseNo: string, company?: string): Promise<BizCase> {
    const applicantKey = await this.keyOf(meta, company);
    const c = await this.dataSource.getRepository(BizCase).findOneBy({ caseNo, applicantKey });
    if (!c) throw ApplicantProblem.CASE_NOT_FOUND(caseNo);
    return c;
  }
}
