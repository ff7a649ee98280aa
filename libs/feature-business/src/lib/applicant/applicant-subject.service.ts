import { Injectable } from '@nestjs/common';
import type { CallMeta } from '@gmp/contracts';
import { SubjectOfClient } from '@gmp/messaging';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { BizCase } from '../cases/cases.entities.js';
import { ApplicantProblem } from './applicant.problems.js';

/** The signed-in applicant (from identity, never from the input) and their cases. */
@Injectable()
export class ApplicantSubjectService {
  constructor(
    private readonly subjects: SubjectOfClient,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** The keyed hash of the signed-in person's ID number — what their cases are filed under. */
  async keyOf(meta: CallMeta): Promise<string> {
    const outcome = await this.subjects.keyOf(meta);
    if ('key' in outcome) return outcome.key;
    if (outcome.refused === 'IDENTITY_UNAVAILABLE') throw ApplicantProblem.IDENTITY_UNAVAILABLE(outcome.detail);
    throw ApplicantProblem.NOT_SIGNED_IN(outcome.detail);
  }

  /** One of the signed-in person's cases; anybody else's is "not found". */
  async caseOf(meta: CallMeta, caseNo: string): Promise<BizCase> {
    const applicantKey = await this.keyOf(meta);
    const c = await this.dataSource.getRepository(BizCase).findOneBy({ caseNo, applicantKey });
    if (!c) throw ApplicantProblem.CASE_NOT_FOUND(caseNo);
    return c;
  }
}
