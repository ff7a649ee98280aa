import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, IsNull } from 'typeorm';
import type { Principal } from '@gmp/identity';
import { WorkingDaysClient } from '@gmp/messaging';
import { CaseProgressService } from '../../../cases/case-progress.service.js';
import { type BizCase, BizCasePart, PAUSE_REASONS } from '../../../cases/cases.entities.js';
import { approverRoles } from '../../../matters/workflow.js';
import { BackOfficeProblem } from '../../back-office.problems.js';
import { clockView, type PartClockView, StaffPartsService } from '../../staff-parts.service.js';

export type PauseReason = (typeof PAUSE_REASONS)[number];

/**
 * A part's time limit as the law counts it: a special procedure (公示, 检测, 专家评审, 听证 …)
 * is not counted — staff pause the clock naming it and resume it after, and the due days (the
 * part's and the step's) move by the working days paused; the due day may be extended (延期) with
 * a reason, within the matter's legal limit (法定时限 − 承诺时限, in all). While paused, the
 * deadline sweeps pass the part by and no workflow step is taken. Staff who may approve the
 * part decide, within their data scope; each change is on the case's timeline.
 */
@Injectable()
export class PartClock {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly parts: StaffPartsService,
    private readonly progress: CaseProgressService,
    private readonly workingDays: WorkingDaysClient,
  ) {}

  async pause(partId: string, principal: Principal, reason: PauseReason, note: string): Promise<PartClockView> {
    const { part, c } = await this.open(partId, principal);
    if (part.clockPausedAt) throw BackOfficeProblem.CLOCK_PAUSED(`「${part.clockPauseReason}」`);
    return this.change(c, part, principal, { clockPausedAt: new Date(), clockPauseReason: reason }, [
      'clock-paused',
      `「${part.matterName}」因${reason}暂停计时（${note}），特别程序时间不计入办理时限`,
    ]);
  }

  async resume(partId: string, principal: Principal): Promise<PartClockView> {
    const { part, c } = await this.open(partId, principal);
    if (!part.clockPausedAt || !(PAUSE_REASONS as readonly string[]).includes(part.clockPauseReason ?? ''))
      throw BackOfficeProblem.CLOCK_NOT_PAUSED(part.clockPauseReason ?? '—');
    const resumed = await this.progress.resumedDues(part, new Date(), true);
    return this.change(
      c,
      part,
      principal,
      {
        clockPausedAt: null,
        clockPauseReason: null,
        pausedWorkingDays: part.pausedWorkingDays + resumed.days,
        dueOn: resumed.dueOn,
        stateDueOn: resumed.stateDueOn,
        stateWarnOn: resumed.stateWarnOn,
      },
      [
        'clock-resumed',
        `「${part.matterName}」${part.clockPauseReason}结束，恢复计时：暂停 ${resumed.days} 个工作日，承诺期限顺延至 ${resumed.dueOn ?? '—'}`,
      ],
    );
  }

  async extend(partId: string, principal: Principal, days: number, reason: string): Promise<PartClockView> {
    const { part, c } = await this.open(partId, principal);
    const definition = await this.parts.matterOf(c, part.matterCode);
    const room = definition.legalLimitDays - definition.committedLimitDays - part.extendedDays;
    if (days > room)
      throw BackOfficeProblem.EXTENSION_NOT_ALLOWED(
        `法定 ${definition.legalLimitDays}、承诺 ${definition.committedLimitDays}、已延期 ${part.extendedDays} 个工作日：至多再延 ${Math.max(0, room)} 个 (at most ${Math.max(0, room)} more working days)`,
      );
    if (!part.dueOn) throw BackOfficeProblem.PART_CLOSED(`${c.caseNo} ${part.matterName}: no due day`);
    const dueOn = (await this.workingDays.deadline(part.dueOn, days)).due;
    return this.change(c, part, principal, { dueOn, extendedDays: part.extendedDays + days, overdueAt: null }, [
      'clock-extended',
      `「${part.matterName}」延期 ${days} 个工作日至 ${dueOn}：${reason}`,
    ]);
  }

  /** The part, open and visible, and the principal one who may approve it. */
  private async open(partId: string, principal: Principal): Promise<{ part: BizCasePart; c: BizCase }> {
    const { part, c } = await this.parts.visible(partId, principal);
    if (part.status !== 'dispatched') throw BackOfficeProblem.PART_CLOSED(`${c.caseNo} ${part.matterName}: ${part.status}`);
    const roles = approverRoles((await this.parts.matterOf(c, part.matterCode)).workflow);
    if (!roles.some((r) => principal.roles.includes(r)))
      throw BackOfficeProblem.ROLE_NOT_ALLOWED(
        `暂停、恢复计时与延期须为 ${roles.join(', ')} (pausing and extending need one of these roles)`,
      );
    return { part, c };
  }

  /** Applies the change if nobody moved the part meanwhile (its clock and step as read), with the timeline entry. */
  private async change(
    c: BizCase,
    part: BizCasePart,
    principal: Principal,
    set: Partial<BizCasePart>,
    [kind, message]: [string, string],
  ): Promise<PartClockView> {
    const actor = `${part.department}/${principal.subject}`.slice(0, 128);
    return this.dataSource.transaction(async (m) => {
      const moved = await m.getRepository(BizCasePart).update(
        {
          id: part.id,
          status: 'dispatched',
          workflowState: part.workflowState ?? IsNull(),
          clockPausedAt: part.clockPausedAt ?? IsNull(),
          extendedDays: part.extendedDays,
        },
        set,
      );
      if (moved.affected !== 1) throw BackOfficeProblem.PART_CHANGED(part.id);
      await this.progress.note(m, c, kind, message, actor, part.matterCode);
      return clockView(await m.getRepository(BizCasePart).findOneByOrFail({ id: part.id }));
    });
  }
}
