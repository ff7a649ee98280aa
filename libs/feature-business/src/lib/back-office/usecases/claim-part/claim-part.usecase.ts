import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Principal } from '@gmp/identity';
import { BizCasePart } from '../../../cases/cases.entities.js';
import { BackOfficeProblem } from '../../back-office.problems.js';
import { StaffPartsService } from '../../staff-parts.service.js';

/**
 * 签收 / 退签: a staff member takes a visible open part whose current step one of their roles may
 * take (the others of the department no longer see it in their to-do box), or gives it back.
 * Two staff claiming at once: one wins, the other is told who holds it.
 */
@Injectable()
export class ClaimPart {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly parts: StaffPartsService,
  ) {}

  async claim(partId: string, principal: Principal): Promise<BizCasePart> {
    const { part, c } = await this.parts.visible(partId, principal);
    if (part.status !== 'dispatched') throw BackOfficeProblem.PART_CLOSED(`${c.caseNo} ${part.matterName}: ${part.status}`);
    if (part.assignee === principal.subject) return part;
    if (part.assignee !== null) throw BackOfficeProblem.CLAIMED_BY_OTHER(part.assignee);
    const definition = await this.parts.matterOf(c, part.matterCode);
    if (this.parts.actionsFor(definition, part, principal).length === 0)
      throw BackOfficeProblem.ROLE_NOT_ALLOWED(
        `${part.workflowState ?? definition.workflow.initial}: ${principal.roles.join(', ') || '—'}`,
      );
    const claimedAt = new Date();
    const result = await this.dataSource
      .createQueryBuilder()
      .update(BizCasePart)
      .set({ assignee: principal.subject, claimedAt })
      .where(`id = :id AND status = 'dispatched' AND assignee IS NULL`, { id: part.id })
      .andWhere(part.workflowState === null ? 'workflow_state IS NULL' : 'workflow_state = :state', { state: part.workflowState })
      .execute();
    if (result.affected !== 1) {
      const now = await this.dataSource.getRepository(BizCasePart).findOneByOrFail({ id: part.id });
      if (now.status !== 'dispatched') throw BackOfficeProblem.PART_CLOSED(now.status);
      if (now.assignee === principal.subject) return now; // their own claim, sent twice at once
      if (now.assignee !== null) throw BackOfficeProblem.CLAIMED_BY_OTHER(now.assignee);
      throw BackOfficeProblem.PART_CHANGED(part.id);
    }
    return { ...part, assignee: principal.subject, claimedAt };
  }

  async release(partId: string, principal: Principal): Promise<void> {
    const { part } = await this.parts.visible(partId, principal);
    if (part.assignee !== principal.subject) throw BackOfficeProblem.NOT_CLAIMED_BY_YOU(part.id);
    await this.dataSource
      .getRepository(BizCasePart)
      .update({ id: part.id, assignee: principal.subject }, { assignee: null, claimedAt: null });
  }
}
