import { todayInChina } from '@gmp/gov-standards';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type ShareDecisionBody, shareView } from '../../sharing.dto.js';
import { DataShare } from '../../sharing.entities.js';
import { SharingEventsService } from '../../sharing-events.service.js';
import { SharingProblem } from '../../sharing.problems.js';

/**
 * The owner department answers a pending application: approve (the grant runs for its days from
 * now; plain values only if asked for and granted) or refuse with a reason. Past the due day the
 * application is escalated and no longer decided here (409 DECISION_OVERDUE).
 */
@Injectable()
export class DecideShare {
  private readonly log = new Logger('Sharing');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: SharingEventsService,
  ) {}

  async execute(id: string, body: ShareDecisionBody, by: string) {
    if (!body.approve && !body.reason) throw SharingProblem.REASON_REQUIRED('拒绝须说明理由 (a refusal states its reason)');
    const decided = await this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(DataShare);
      const share = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!share) throw SharingProblem.APPLICATION_NOT_FOUND(id);
      if (body.department !== share.ownerDepartment) throw SharingProblem.NOT_THE_OWNER(`${share.resourceCode}: ${share.ownerDepartment}`);
      if (share.status === 'escalated' || (share.status === 'pending' && share.dueOn && todayInChina() > share.dueOn))
        throw SharingProblem.DECISION_OVERDUE(`答复期限 (due) ${share.dueOn}`);
      if (share.status !== 'pending') throw SharingProblem.ALREADY_DECIDED(`${id}: ${share.status}`);
      const now = new Date();
      Object.assign(share, {
        status: body.approve ? 'approved' : 'refused',
        plainValues: body.approve && share.plainRequested && (body.plainValues ?? false),
        // Concealment is approved explicitly, like plain values; otherwise the grant's reads are visible.
        ...(body.approve && share.hideReadsDays && body.hideReads === true ? {} : { hideReadsDays: null, hideReason: null }),
        validUntil: body.approve ? new Date(now.getTime() + share.validDays * 86_400_000) : null,
        decidedBy: by,
        decidedAt: now,
        decisionReason: body.reason ?? null,
      });
      await repo.save(share);
      await this.events.changed(m, share, body.approve ? 'approved' : 'refused');
      return share;
    });
    this.events.wake();
    this.log.log(`共享申请 ${id} ${decided.status} by ${by} (${body.department})`);
    return shareView(decided);
  }
}
