import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, In } from 'typeorm';
import { type CallMeta, type CasePartWithdrawnEvent, Topic } from '@gmp/contracts';
import { OutboxService } from '@gmp/messaging';
import { CaseProgressService, caseCallMeta } from '../../../cases/case-progress.service.js';
import { BizCase, BizCasePart, BizCaseSupplement } from '../../../cases/cases.entities.js';
import { ApplicantProblem } from '../../applicant.problems.js';
import { ApplicantSubjectService } from '../../applicant-subject.service.js';

/**
 * 撤回申请: the signed-in applicant withdraws a case still in progress. In one transaction (the
 * case's row locked against decisions and sweeps): parts not yet decided are stopped; each
 * department that had its part — working it, or having approved it (its output will not be
 * delivered) — is told through the outbox (`business.case.part-withdrawn.v1`; the back office no
 * longer lists the stopped ones), open 容缺 supplements are closed (no reminder follows), the case becomes
 * `withdrawn` with the reason on its timeline. Decided parts stay decided; nothing is delivered.
 * A repeat answers the withdrawn case; a settled case cannot be withdrawn.
 */
@Injectable()
export class WithdrawCase {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly applicant: ApplicantSubjectService,
    private readonly progress: CaseProgressService,
    private readonly outbox: OutboxService,
  ) {}

  /** `company`: a company's case, withdrawn by its current agent (case:manage). */
  async execute(meta: CallMeta, caseNo: string, reason: string, company?: string): Promise<BizCase> {
    const found = await this.applicant.caseOf(meta, caseNo, company);
    const withdrawn = await this.dataSource.transaction(async (m) => {
      // The supplements first, then the case: the order the supplement sweep locks them in (no deadlock between the two).
      await m.getRepository(BizCaseSupplement).find({ where: { caseId: found.id, status: 'open' }, lock: { mode: 'pessimistic_write' } });
      const c = (await m.getRepository(BizCase).findOne({ where: { id: found.id }, lock: { mode: 'pessimistic_write' } }))!;
      if (c.status === 'withdrawn') return c;
      if (c.status !== 'in-progress' && c.status !== 'awaiting-supplements')
        throw ApplicantProblem.CASE_SETTLED(`${c.caseNo}: ${c.status}`);
      const now = new Date();
      const parts = await m.getRepository(BizCasePart).findBy({ caseId: c.id, status: In(['waiting', 'dispatched', 'approved']) });
      for (const p of parts) {
        if (p.status !== 'approved')
          await m.getRepository(BizCasePart).update({ id: p.id }, { status: 'stopped', assignee: null, claimedAt: null });
        // Departments that had the part — working it, or approved it (its output will not be delivered) — are told.
        if (p.status === 'waiting') continue;
        const event: CasePartWithdrawnEvent = {
          // The platform's own metadata: the applicant's account and call stay with the platform.
          meta: caseCallMeta(c.caseNo),
          partId: p.id,
          caseNo: c.caseNo,
          matterCode: p.matterCode,
          department: p.department,
          reason,
          at: now.toISOString(),
        };
        await this.outbox.enqueue(m, Topic.BusinessPartWithdrawn, c.caseNo, event);
      }
      await m.getRepository(BizCaseSupplement).update({ caseId: c.id, status: 'open' }, { status: 'withdrawn' });
      await m.getRepository(BizCase).update({ id: c.id }, { status: 'withdrawn', finishedAt: now });
      await this.progress.note(m, c, 'withdrawn', `申请人撤回申请：${reason}`, 'applicant');
      return { ...c, status: 'withdrawn' as const, finishedAt: now };
    });
    this.outbox.wake();
    return withdrawn;
  }
}
