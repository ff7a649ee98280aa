import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type CallMeta, type CasePartDispatchedEvent, Topic } from '@gmp/contracts';
import { OutboxService, WorkingDaysClient } from '@gmp/messaging';
import { crossesRegions, regionName, todayInChina } from '@gmp/gov-standards';
import type { BundlePlan } from '../bundles/bundle.compiler.js';
import type { BizBundle } from '../bundles/bundles.entities.js';
import { MattersService } from '../matters/matters.service.js';
import type { WorkflowState } from '../matters/matter-definition.js';
import { stateNamed, stepClock } from '../matters/workflow.js';
import { BizCase, BizCaseEvent, BizCasePart, BizCaseSupplement, type CaseStatus } from './cases.entities.js';

/** The crypto provider's label for applicants' ID numbers (the case id is the associated data). */
export const APPLICANT_ID_LABEL = 'business-applicant-id';

/** The phone number the applicant gave (data element 联系电话, DE00007), wherever the form asks it. */
export function applicantPhone(form: Record<string, unknown>): string | undefined {
  return Object.entries(form).find(([id, v]) => id.endsWith('.DE00007') && typeof v === 'string')?.[1] as string | undefined;
}

/** The business platform's own call metadata for a case (its number as correlation and case id). */
export function caseCallMeta(caseNo: string, purpose?: string): CallMeta {
  return {
    messageId: randomUUID(),
    correlationId: caseNo,
    app: 'business-platform',
    caseId: caseNo,
    ...(purpose ? { purpose: purpose.slice(0, 256) } : {}),
    sentAt: new Date().toISOString(),
  };
}

/** A new case's state before anything happened to it: in progress, not finished, nothing delivered. */
export const NEW_CASE_STATE = {
  status: 'in-progress',
  finishedAt: null,
  deliveryStatus: null,
  deliveryAttempts: 0,
  deliveryLeaseUntil: null,
  deliveryError: null,
  archivePackageId: null,
  deliveredAt: null,
} as const satisfies Partial<BizCase>;

/** What dispatching needs, read before a transaction opens: due days by number of working days from today, and each matter's initial workflow state. */
export interface Schedule {
  dues: Map<number, { due: string; provisional: boolean }>;
  /** Each matter's initial workflow step, with its clock (working days). */
  initialStates: Map<string, { name: string; clock: { limit: number; warn: number | null } | null }>;
}

/**
 * Moves a case on inside the caller's transaction: dispatches every waiting part whose
 * dependencies are all approved (一次分办: an event through the outbox for the department's back
 * office, due in its committed working days), and settles the case's status once no part is
 * left to run. Every step is a timeline event.
 */
@Injectable()
export class CaseProgressService {
  constructor(
    private readonly outbox: OutboxService,
    private readonly workingDays: WorkingDaysClient,
    private readonly matters: MattersService,
  ) {}

  /** The next 一号 case number (YJS + today + 6 digits), from the database's sequence. */
  async nextCaseNo(m: EntityManager, today: string): Promise<string> {
    const schema = (m.connection.options as { schema?: string }).schema ?? 'public';
    const [{ seq }] = (await m.query(`SELECT nextval('"${schema}".biz_case_no_seq') AS seq`)) as { seq: string }[];
    return `YJS${today.replaceAll('-', '')}${String(Number(seq) % 1_000_000).padStart(6, '0')}`;
  }

  /** 办理地 of each matter of the bundle: its region (plans compiled before regions were in them: the matter definition's). */
  async handlingRegions(bundle: BizBundle): Promise<Map<string, string>> {
    const regions = new Map<string, string>();
    for (const x of bundle.plan.matters)
      regions.set(x.code, x.region ?? (await this.matters.definitionAt(x.code, bundle.matterVersions[x.code]!)).region);
    return regions;
  }

  /** A new case's parts, one per matter of the plan, all waiting (advance() dispatches those ready). */
  newParts(caseId: string, plan: BundlePlan, regions: ReadonlyMap<string, string>): BizCasePart[] {
    return plan.matters.map((x) => ({
      id: randomUUID(),
      caseId,
      matterCode: x.code,
      matterName: x.name,
      department: x.department,
      handlingRegion: regions.get(x.code) ?? null,
      stage: x.stage,
      after: x.after,
      committedDays: x.committedLimitDays,
      status: 'waiting',
      dueOn: null,
      dispatchedAt: null,
      decidedAt: null,
      reason: null,
      overdueAt: null,
      outputs: [],
      workflowState: null,
      assignee: null,
      claimedAt: null,
      marks: null,
      stateDueOn: null,
      stateWarnOn: null,
      stateWarnedAt: null,
      stateBreachedAt: null,
      clockPausedAt: null,
      clockPauseReason: null,
      pausedWorkingDays: 0,
      extendedDays: 0,
    }));
  }

  /** Called when a case becomes ready for delivery (DeliverOutputs wakes up; set by it). */
  deliveryWanted: (() => void) | null = null;

  async note(m: EntityManager, c: BizCase, kind: string, message: string, actor: string, matterCode: string | null = null) {
    await m.getRepository(BizCaseEvent).insert({ caseId: c.id, at: new Date(), kind, matterCode, actor, message: message.slice(0, 500) });
  }

  /**
   * For the given matters of the bundle (all by default): the due day of their committed working
   * days from today and their workflows' initial states — asked of the calendar before a
   * transaction opens (standalone's embedded database serves one session: another service's
   * query inside an open transaction would wait for it forever).
   */
  async scheduleFor(bundle: BizBundle, matters = bundle.plan.matters): Promise<Schedule> {
    const today = todayInChina(new Date());
    const initialStates: Schedule['initialStates'] = new Map();
    for (const x of matters) {
      const version = bundle.matterVersions[x.code];
      if (version === undefined) continue;
      const wf = (await this.matters.definitionAt(x.code, version)).workflow;
      initialStates.set(x.code, { name: wf.initial, clock: stepClock(stateNamed(wf, wf.initial)) });
    }
    const days = [
      ...matters.map((x) => Math.max(1, x.committedLimitDays)),
      ...[...initialStates.values()].flatMap((s) => (s.clock ? [s.clock.limit, ...(s.clock.warn ? [s.clock.warn] : [])] : [])),
    ];
    const dues: Schedule['dues'] = new Map();
    for (const n of new Set(days)) dues.set(n, await this.workingDays.deadline(today, n));
    return { dues, initialStates };
  }

  /**
   * The due day and the 80 % day of a workflow step entered today (null when the step has no
   * limit) — from the calendar, before a transaction opens.
   */
  async stepDues(state: WorkflowState | undefined): Promise<{ stateDueOn: string | null; stateWarnOn: string | null }> {
    const clock = stepClock(state);
    const today = todayInChina(new Date());
    return {
      stateDueOn: clock ? (await this.workingDays.deadline(today, clock.limit)).due : null,
      stateWarnOn: clock?.warn ? (await this.workingDays.deadline(today, clock.warn)).due : null,
    };
  }

  /**
   * When a paused clock resumes (asked of the calendar before a transaction opens): the working
   * days it stood still — those after the day it paused, up to and including today — and the
   * part's due days moved by them (the step's too, unless only the part's clock was paused).
   */
  async resumedDues(
    part: BizCasePart,
    now: Date,
    withStep: boolean,
  ): Promise<{ days: number; dueOn: string | null; stateDueOn: string | null; stateWarnOn: string | null }> {
    if (!part.clockPausedAt) return { days: 0, dueOn: part.dueOn, stateDueOn: part.stateDueOn, stateWarnOn: part.stateWarnOn };
    const { workingDays: days } = await this.workingDays.count(todayInChina(part.clockPausedAt), todayInChina(now));
    const moved = async (day: string | null) => (day && days > 0 ? (await this.workingDays.deadline(day, days)).due : day);
    return {
      days: Math.max(0, days),
      dueOn: await moved(part.dueOn),
      stateDueOn: withStep ? await moved(part.stateDueOn) : part.stateDueOn,
      stateWarnOn: withStep ? await moved(part.stateWarnOn) : part.stateWarnOn,
    };
  }

  async advance(m: EntityManager, c: BizCase, parts: BizCasePart[], plan: BundlePlan, schedule: Schedule, actor: string): Promise<void> {
    const fieldMatters = new Map(plan.form.map((f) => [f.id, f.matters]));
    const status = new Map(parts.map((p) => [p.matterCode, p.status]));
    const ready = parts.filter((p) => p.status === 'waiting' && p.after.every((a) => status.get(a) === 'approved'));
    for (const part of ready) {
      const due = schedule.dues.get(Math.max(1, part.committedDays));
      if (!due) throw new Error(`no due day computed for ${part.committedDays} working days`);
      const initial = schedule.initialStates.get(part.matterCode);
      const dispatched = {
        status: 'dispatched' as const,
        dueOn: due.due,
        dispatchedAt: new Date(),
        workflowState: initial?.name ?? null,
        stateDueOn: initial?.clock ? (schedule.dues.get(initial.clock.limit)?.due ?? null) : null,
        stateWarnOn: initial?.clock?.warn ? (schedule.dues.get(initial.clock.warn)?.due ?? null) : null,
      };
      Object.assign(part, dispatched);
      await m.getRepository(BizCasePart).update({ id: part.id }, dispatched);
      const event: CasePartDispatchedEvent = {
        meta: { messageId: randomUUID(), correlationId: randomUUID(), app: 'business-platform', sentAt: new Date().toISOString() },
        partId: part.id,
        caseNo: c.caseNo,
        bundleCode: c.bundleCode,
        bundleVersion: c.bundleVersion,
        matterCode: part.matterCode,
        matterName: part.matterName,
        department: part.department,
        dueOn: due.due,
        ...(due.provisional ? { provisional: true } : {}),
        form: Object.fromEntries(Object.entries(c.form).filter(([id]) => fieldMatters.get(id)?.includes(part.matterCode))),
        materials: c.materials
          .filter((x) => x.matters.includes(part.matterCode))
          .map((x) => ({ code: x.code, name: x.name, status: x.status, ...(x.fileId ? { fileId: x.fileId } : {}) })),
        applicantMasked: c.applicantMasked,
        ...(c.acceptRegion ? { acceptRegion: c.acceptRegion } : {}),
        ...(part.handlingRegion ? { handlingRegion: part.handlingRegion } : {}),
        ...(c.deliveryRegion ? { deliveryRegion: c.deliveryRegion } : {}),
      };
      await this.outbox.enqueue(m, Topic.BusinessPartDispatched, c.caseNo, event);
      await this.note(
        m,
        c,
        'dispatched',
        `已分送 ${part.department}${part.handlingRegion && c.acceptRegion && crossesRegions(part.handlingRegion, c.acceptRegion) ? `（办理地 ${regionName(part.handlingRegion) ?? part.handlingRegion}，跨域办）` : ''} 办理「${part.matterName}」，承诺 ${due.due} 前办结`,
        actor,
        part.matterCode,
      );
    }
    await this.settle(m, c, parts, actor);
  }

  private async settle(m: EntityManager, c: BizCase, parts: BizCasePart[], actor: string): Promise<void> {
    // A case that ended (withdrawn by its applicant, stopped) never becomes anything else.
    if (c.status === 'withdrawn' || c.status === 'stopped') return;
    if (parts.some((p) => p.status === 'waiting' || p.status === 'dispatched')) return;
    const approved = parts.filter((p) => p.status === 'approved').length;
    const open = await m.getRepository(BizCaseSupplement).countBy({ caseId: c.id, status: 'open' });
    const next: CaseStatus =
      approved === parts.length ? (open > 0 ? 'awaiting-supplements' : 'completed') : approved > 0 ? 'partly-completed' : 'stopped';
    if (next === c.status) return;
    const finished = next === 'awaiting-supplements' ? null : new Date();
    // 一窗出件: once the case is done (fully or in part), its outputs are delivered together by DeliverOutputs.
    const delivery = next === 'completed' || next === 'partly-completed' ? { deliveryStatus: 'pending' as const } : {};
    await m.getRepository(BizCase).update({ id: c.id }, { status: next, finishedAt: finished, ...delivery });
    Object.assign(c, { status: next, finishedAt: finished, ...delivery });
    if (delivery.deliveryStatus) this.deliveryWanted?.();
    const message = {
      completed: '全部事项已办结，结果一并送达 (every part is done; the outputs are delivered together)',
      'awaiting-supplements': `全部事项已办结，待补齐 ${open} 项容缺材料后出件 (every part is done; the outputs wait for ${open} supplement(s))`,
      'partly-completed': '部分事项未获办理，已办结的结果送达 (some parts were refused; the others’ outputs are delivered)',
      stopped: '办件已终止 (the case stopped)',
      'in-progress': '',
      withdrawn: '',
    }[next];
    await this.note(m, c, next, message, actor);
  }
}
