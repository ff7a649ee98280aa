import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { CasePartDecidedEvent } from '@gmp/contracts';
import { OutboxService } from '@gmp/messaging';
import { BundlesService } from '../../../bundles/bundles.service.js';
import { CaseProgressService } from '../../case-progress.service.js';
import { BizCase, BizCasePart } from '../../cases.entities.js';

/** A decision that cannot apply to the part it names: never retried into success, dead-lettered with the reason. */
export class DecisionRefused extends Error {}

/** A decision taken by a staff member in the back office: the workflow step it makes, checked against the part under its lock. */
export interface StaffStep {
  /** `staff:<id>` of the staff member; null for the platform itself (a deemed approval, whoever holds the part). */
  subject: string | null;
  /** The timeline's actor (department and staff member). */
  actor: string;
  /** The workflow state the staff member saw, and the final state the action leads to. */
  from: string | null;
  to: string;
}

/**
 * A department's decision on its part (from its system over Kafka, or the simulated department):
 * only the part's own department decides it, once (a redelivered decision changes nothing).
 * Approved: its outputs are kept and the parts waiting for it are dispatched. Rejected (with the
 * reason the applicant reads): under `stop-all` every open part stops; under `continue` only the
 * parts that depend on it, directly or not. The case settles once no part is left to run.
 */
@Injectable()
export class DecidePart {
  private readonly log = new Logger('DecidePart');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly bundles: BundlesService,
    private readonly progress: CaseProgressService,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * With `staff`, the part must still be in the state the staff member saw and not claimed by
   * somebody else (`changed` otherwise); its workflow state becomes the action's final state.
   */
  async execute(d: CasePartDecidedEvent, staff?: StaffStep): Promise<'applied' | 'already-decided' | 'changed'> {
    // Read before the transaction opens: the bundle's plan and the due days of the parts that may
    // be dispatched next (standalone's embedded database serves one session at a time).
    const known = await this.dataSource.getRepository(BizCase).findOneBy({ caseNo: d.caseNo });
    if (!known) throw new DecisionRefused(`没有该办件 (no such case): ${d.caseNo}`);
    const bundle = await this.bundles.get(known.bundleCode, known.bundleVersion);
    const schedule = await this.progress.scheduleFor(bundle);
    const outcome = await this.dataSource.transaction(async (m) => {
      const c = await m.getRepository(BizCase).findOne({ where: { caseNo: d.caseNo }, lock: { mode: 'pessimistic_write' } });
      if (!c) throw new DecisionRefused(`没有该办件 (no such case): ${d.caseNo}`);
      const parts = await m.getRepository(BizCasePart).find({ where: { caseId: c.id }, order: { stage: 'ASC', matterCode: 'ASC' } });
      const part = parts.find((p) => p.id === d.partId);
      if (!part || part.matterCode !== d.matterCode) throw new DecisionRefused(`办件 ${d.caseNo} 没有该部分 (no such part): ${d.partId}`);
      if (part.department !== d.department)
        throw new DecisionRefused(`${d.department} 不是该部分的办理部门 (not the part’s department: ${part.department})`);
      if (part.status !== 'dispatched') return 'already-decided' as const;
      if (
        staff &&
        (part.workflowState !== staff.from || (staff.subject !== null && part.assignee !== null && part.assignee !== staff.subject))
      )
        return 'changed' as const;
      if (d.decision !== 'approved' && d.decision !== 'rejected')
        throw new DecisionRefused(`无效的办理结果 (no such decision): ${String(d.decision)}`);
      if (d.decision === 'rejected' && !d.reason) throw new DecisionRefused('不予办理须说明理由 (a rejection needs its reason)');
      const actor = staff?.actor ?? d.department;
      const decidedAt = new Date(d.decidedAt);
      const step = staff ? { workflowState: staff.to, assignee: null, claimedAt: null, stateDueOn: null, stateWarnOn: null } : {};
      if (d.decision === 'approved') {
        Object.assign(part, { status: 'approved', decidedAt, outputs: d.outputs ?? [], ...step });
        await m.getRepository(BizCasePart).update({ id: part.id }, { status: 'approved', decidedAt, outputs: d.outputs ?? [], ...step });
        await this.progress.note(m, c, 'approved', `「${part.matterName}」已办结`, actor, part.matterCode);
      } else {
        Object.assign(part, { status: 'rejected', decidedAt, reason: d.reason!, ...step });
        await m.getRepository(BizCasePart).update({ id: part.id }, { status: 'rejected', decidedAt, reason: d.reason!, ...step });
        await this.progress.note(m, c, 'rejected', `「${part.matterName}」不予办理：${d.reason}`, actor, part.matterCode);
        const stopping =
          bundle.plan.onRejection === 'stop-all'
            ? parts.filter((p) => p.status === 'waiting' || p.status === 'dispatched')
            : dependentsOf(part.matterCode, parts).filter((p) => p.status === 'waiting');
        for (const p of stopping) {
          p.status = 'stopped';
          await m.getRepository(BizCasePart).update({ id: p.id }, { status: 'stopped' });
          await this.progress.note(
            m,
            c,
            'stopped',
            `「${p.matterName}」因「${part.matterName}」不予办理而终止`,
            'business-platform',
            p.matterCode,
          );
        }
      }
      await this.progress.advance(m, c, parts, bundle.plan, schedule, actor);
      return 'applied' as const;
    });
    if (outcome === 'applied') this.outbox.wake();
    else if (outcome === 'already-decided')
      this.log.warn(`重复的办理结果，已忽略 (a decision for a part already decided, ignored): ${d.caseNo} ${d.matterCode}`);
    return outcome;
  }
}

/** The parts that wait for `matterCode`, directly or through others. */
function dependentsOf(matterCode: string, parts: BizCasePart[]): BizCasePart[] {
  const found = new Set<string>();
  const visit = (code: string) => {
    for (const p of parts)
      if (p.after.includes(code) && !found.has(p.matterCode)) {
        found.add(p.matterCode);
        visit(p.matterCode);
      }
  };

  visit(matterCode);
  return parts.filter((p) => found.has(p.matterCode));
}
