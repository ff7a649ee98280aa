import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Principal } from '@gmp/identity';
import { CaseProgressService } from '../../../cases/case-progress.service.js';
import { ApplicantNotifier } from '../../../cases/applicant-notifier.service.js';
import { BizCase, BizCasePart, type PartMarks, SEND_BACK_PAUSE } from '../../../cases/cases.entities.js';
import { DecidePart } from '../../../cases/usecases/decide-part/decide-part.usecase.js';
import { BundlesService } from '../../../bundles/bundles.service.js';
import { actionsFrom, stateNamed } from '../../../matters/workflow.js';
import { BackOfficeProblem } from '../../back-office.problems.js';
import { StaffPartsService } from '../../staff-parts.service.js';

export interface TakeActionCommand {
  partId: string;
  principal: Principal;
  action: string;
  reason?: string;
  /** For an approving step: the outputs, by the matter's output codes, with the department's reference for each. */
  outputs?: { code: string; reference: string }[];
  /** For a send-back: the fields (form ids) and materials (codes) the applicant must correct. */
  marks?: { fields?: string[]; materials?: string[] };
}

export interface TakeActionResult {
  partId: string;
  caseNo: string;
  state: string;
  status: BizCasePart['status'];
}

/**
 * A staff member takes a step of the part's workflow (after eGov DIGIT's BusinessService): the
 * action must leave the part's current state, one of their roles must be among the action's, and
 * the part must be unclaimed or claimed by them. A step into a final state decides the part
 * (approved with its outputs, or refused with the reason the applicant reads) through DecidePart,
 * so the next parts are dispatched and the case settles as for any department's decision. A step
 * whose next actions belong to the applicant alone (退回补正) needs a reason and may mark the
 * fields and materials to correct. Every step is on the case's timeline.
 */
@Injectable()
export class TakeAction {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly parts: StaffPartsService,
    private readonly bundles: BundlesService,
    private readonly decide: DecidePart,
    private readonly progress: CaseProgressService,
    private readonly notifier: ApplicantNotifier,
  ) {}

  async execute(cmd: TakeActionCommand): Promise<TakeActionResult> {
    const { part, c } = await this.parts.visible(cmd.partId, cmd.principal);
    if (part.status !== 'dispatched') throw BackOfficeProblem.PART_CLOSED(`${c.caseNo} ${part.matterName}: ${part.status}`);
    const definition = await this.parts.matterOf(c, part.matterCode);
    const workflow = definition.workflow;
    const from = part.workflowState ?? workflow.initial;
    const available = actionsFrom(workflow, from);
    const action = available.find((a) => a.name === cmd.action);
    if (!action)
      throw BackOfficeProblem.ACTION_NOT_AVAILABLE(
        `「${from}」可办理 (possible from this step): ${available.map((a) => a.name).join('、') || '—'}`,
      );
    if (!action.roles.some((r) => r !== 'applicant' && cmd.principal.roles.includes(r)))
      throw BackOfficeProblem.ROLE_NOT_ALLOWED(`「${action.name}」: ${action.roles.join(', ')}`);
    if (part.assignee !== null && part.assignee !== cmd.principal.subject) throw BackOfficeProblem.CLAIMED_BY_OTHER(part.assignee);
    if (part.clockPausedAt && part.clockPauseReason !== SEND_BACK_PAUSE)
      throw BackOfficeProblem.CLOCK_PAUSED(`「${part.clockPauseReason}」: 先恢复计时 (resume the clock first)`);
    const target = stateNamed(workflow, action.to)!;
    const reason = cmd.reason?.trim() || undefined;
    const actor = `${part.department}/${cmd.principal.subject}`.slice(0, 128);

    if (target.final && target.outcome !== 'approved' && target.outcome !== 'rejected')
      throw BackOfficeProblem.ACTION_NOT_AVAILABLE(
        `事项版本的终态「${target.name}」未注明结果，须重新发布事项与一件事 (the matter version's final state has no outcome: republish the matter and the bundle)`,
      );
    if (target.final) {
      if (target.outcome === 'rejected' && (!reason || reason.length < 2))
        throw BackOfficeProblem.DECISION_INVALID('不予办理须说明理由 (a refusal needs its reason, 2–500 characters)');
      if (cmd.marks) throw BackOfficeProblem.DECISION_INVALID('办结或不予办理不标注补正项 (marks belong to a send-back)');
      const outputs = target.outcome === 'approved' ? (cmd.outputs ?? []) : [];
      if (target.outcome === 'rejected' && cmd.outputs?.length)
        throw BackOfficeProblem.DECISION_INVALID('不予办理没有办理结果 (a refusal has no outputs)');
      const known = new Set(definition.outputs.map((o) => o.code));
      const unknown = outputs.filter((o) => !known.has(o.code)).map((o) => o.code);
      if (unknown.length > 0)
        throw BackOfficeProblem.DECISION_INVALID(`该事项没有这些结果 (the matter has no such outputs): ${unknown.join(', ')}`);
      if (new Set(outputs.map((o) => o.code)).size !== outputs.length)
        throw BackOfficeProblem.DECISION_INVALID('同一结果只能给一次 (each output once)');
      const outcome = await this.decide.execute(
        {
          meta: { messageId: randomUUID(), correlationId: randomUUID(), app: 'business-platform', sentAt: new Date().toISOString() },
          partId: part.id,
          caseNo: c.caseNo,
          matterCode: part.matterCode,
          department: part.department,
          decision: target.outcome!,
          ...(reason ? { reason: reason.slice(0, 500) } : {}),
          ...(outputs.length > 0 ? { outputs } : {}),
          decidedAt: new Date().toISOString(),
        },
        { subject: cmd.principal.subject, actor, from: part.workflowState, to: action.to },
      );
      if (outcome === 'already-decided') throw BackOfficeProblem.PART_CLOSED(`${c.caseNo} ${part.matterName}`);
      if (outcome === 'changed') throw BackOfficeProblem.PART_CHANGED(part.id);
      return { partId: part.id, caseNo: c.caseNo, state: action.to, status: target.outcome! };
    }

    if (cmd.outputs?.length) throw BackOfficeProblem.DECISION_INVALID('只有办结时给出办理结果 (outputs come with the approving step)');
    const sendBack = actionsFrom(workflow, action.to).every((a) => a.roles.every((r) => r === 'applicant'));
    const marks = await this.marks(cmd, part, c, sendBack, reason);
    // The next step's clock, from the calendar before the transaction opens.
    const { stateDueOn, stateWarnOn } = await this.progress.stepDues(target);
    await this.dataSource.transaction(async (m) => {
      // The case's row orders this step with decisions and supplements of the same case.
      await m.getRepository(BizCase).findOne({ where: { id: c.id }, lock: { mode: 'pessimistic_write' } });
      const result = await m
        .createQueryBuilder()
        .update(BizCasePart)
        .set({
          workflowState: action.to,
          assignee: null,
          claimedAt: null,
          stateDueOn,
          stateWarnOn,
          stateWarnedAt: null,
          stateBreachedAt: null,
          // 补正: the part's clock stands still until the applicant answers (the applicant's step keeps its own limit).
          ...(sendBack ? { marks, clockPausedAt: new Date(), clockPauseReason: SEND_BACK_PAUSE } : {}),
        })
        .where(`id = :id AND status = 'dispatched' AND (assignee IS NULL OR assignee = :me)`, { id: part.id, me: cmd.principal.subject })
        .andWhere(part.workflowState === null ? 'workflow_state IS NULL' : 'workflow_state = :state', { state: part.workflowState })
        .execute();
      if (result.affected !== 1) throw BackOfficeProblem.PART_CHANGED(part.id);
      const detail = sendBack
        ? `，请补正 (to correct): ${[...marks!.fields, ...marks!.materials].join('、') || '—'}；${reason}`
        : reason
          ? `：${reason}`
          : '';
      await this.progress.note(
        m,
        c,
        sendBack ? 'sent-back' : 'step',
        `「${part.matterName}」${action.name}${detail}`,
        actor,
        part.matterCode,
      );
    });
    // 补正: the applicant is told what to correct (after the commit, not waited for).
    if (sendBack)
      void this.notifier.sentBack(c, part.matterName, [...marks!.fields, ...marks!.materials], `${part.id}:${new Date().getTime()}`);
    return { partId: part.id, caseNo: c.caseNo, state: action.to, status: 'dispatched' };
  }

  /** A send-back's marks, checked against what the part has (nothing else may be marked). */
  private async marks(cmd: TakeActionCommand, part: BizCasePart, c: BizCase, sendBack: boolean, reason: string | undefined) {
    if (!sendBack) {
      if (cmd.marks) throw BackOfficeProblem.DECISION_INVALID('只有退回补正标注补正项 (only a send-back marks fields and materials)');
      return null;
    }
    if (!reason || reason.length < 2) throw BackOfficeProblem.DECISION_INVALID('退回补正须说明理由 (a send-back needs its reason)');
    const fields = [...new Set(cmd.marks?.fields ?? [])];
    const materials = [...new Set(cmd.marks?.materials ?? [])];
    const bundle = await this.bundles.get(c.bundleCode, c.bundleVersion);
    const ownFields = new Set(bundle.plan.form.filter((f) => f.matters.includes(part.matterCode)).map((f) => f.id));
    const ownMaterials = new Set(c.materials.filter((x) => x.matters.includes(part.matterCode)).map((x) => x.code));
    const strange = [...fields.filter((f) => !ownFields.has(f)), ...materials.filter((x) => !ownMaterials.has(x))];
    if (strange.length > 0)
      throw BackOfficeProblem.DECISION_INVALID(
        `该事项没有这些字段或材料 (the matter has no such fields or materials): ${strange.join(', ')}`,
      );
    return { fields, materials, reason: reason.slice(0, 500) } satisfies PartMarks;
  }
}
