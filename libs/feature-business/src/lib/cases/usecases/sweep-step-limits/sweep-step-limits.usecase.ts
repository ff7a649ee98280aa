import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type FindOptionsWhere, IsNull, LessThan, LessThanOrEqual } from 'typeorm';
import { type CasePartOverdueEvent, Topic } from '@gmp/contracts';
import { todayInChina } from '@gmp/gov-standards';
import { OutboxService } from '@gmp/messaging';
import { BundlesService } from '../../../bundles/bundles.service.js';
import { MattersService } from '../../../matters/matters.service.js';
import { approvalFrom, stateNamed } from '../../../matters/workflow.js';
import { CaseProgressService } from '../../case-progress.service.js';
import { BizCase, BizCasePart, SEND_BACK_PAUSE } from '../../cases.entities.js';
import { DecidePart } from '../decide-part/decide-part.usecase.js';

const EVERY_MS = 60_000;
const BATCH = 200;

export interface StepSweepResult {
  warned: number;
  escalated: number;
  deemedApproved: number;
}

/** Steps whose clock runs: not paused, or paused only for the part's due day (补正: the applicant's step keeps its limit). */
function running(where: FindOptionsWhere<BizCasePart>): FindOptionsWhere<BizCasePart>[] {
  return [
    { ...where, clockPausedAt: IsNull() },
    { ...where, clockPauseReason: SEND_BACK_PAUSE },
  ];
}

/**
 * Per-step time limits of each matter's workflow, swept from PostgreSQL every minute (not in
 * timers): when 80 % of a step's working days are used the part's timeline says so once; when
 * the limit passes, the workflow's `onBreach` applies once — `escalate` (the default): an
 * overdue event through the outbox naming the step, for supervision; `deem-approved` (视为同意):
 * the part is approved by the platform as the law says, and the case moves on. Each part is
 * claimed by a conditional update (instances share the work; a step taken meanwhile wins). A
 * deemed approval is not claimed first: DecidePart moves the part out of the step itself (a
 * concurrent one answers `changed`), so a crash halfway leaves it to the next sweep, not stuck.
 */
@Injectable()
export class SweepStepLimits implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('StepLimitSweep');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly bundles: BundlesService,
    private readonly matters: MattersService,
    private readonly progress: CaseProgressService,
    private readonly outbox: OutboxService,
    private readonly decide: DecidePart,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => void this.execute().catch((err: Error) => this.log.warn(`环节时限扫描失败 (step limit sweep failed): ${err.message}`)),
      EVERY_MS,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async execute(now = new Date()): Promise<StepSweepResult> {
    const today = todayInChina(now);
    const parts = this.dataSource.getRepository(BizCasePart);
    const result: StepSweepResult = { warned: 0, escalated: 0, deemedApproved: 0 };

    for (const part of await parts.find({
      where: running({ status: 'dispatched', stateWarnOn: LessThanOrEqual(today), stateWarnedAt: IsNull() }),
      take: BATCH,
    })) {
      await this.dataSource.transaction(async (m) => {
        const claimed = await m
          .getRepository(BizCasePart)
          .update(
            { id: part.id, status: 'dispatched', workflowState: part.workflowState ?? IsNull(), stateWarnedAt: IsNull() },
            { stateWarnedAt: now },
          );
        if (claimed.affected !== 1) return;
        const c = (await m.getRepository(BizCase).findOneBy({ id: part.caseId }))!;
        await this.progress.note(
          m,
          c,
          'step-warning',
          `「${part.matterName}」「${part.workflowState}」环节时限已用 80%，须于 ${part.stateDueOn} 前办理`,
          'business-platform',
          part.matterCode,
        );
        result.warned++;
      });
    }

    for (const part of await parts.find({
      where: running({ status: 'dispatched', stateDueOn: LessThan(today), stateBreachedAt: IsNull() }),
      take: BATCH,
    })) {
      const c = await this.dataSource.getRepository(BizCase).findOneBy({ id: part.caseId });
      if (!c || !part.workflowState) continue;
      const bundle = await this.bundles.get(c.bundleCode, c.bundleVersion);
      const wf = (await this.matters.definitionAt(part.matterCode, bundle.matterVersions[part.matterCode]!)).workflow;
      const deemTo = stateNamed(wf, part.workflowState)?.onBreach === 'deem-approved' ? approvalFrom(wf, part.workflowState) : null;
      const claimed =
        deemTo !== null ||
        (await this.dataSource.transaction(async (m) => {
          const r = await m
            .getRepository(BizCasePart)
            .update(
              { id: part.id, status: 'dispatched', workflowState: part.workflowState!, stateBreachedAt: IsNull() },
              { stateBreachedAt: now },
            );
          if (r.affected !== 1) return false;
          const event: CasePartOverdueEvent = {
            meta: { messageId: randomUUID(), correlationId: randomUUID(), app: 'business-platform', sentAt: now.toISOString() },
            partId: part.id,
            caseNo: c.caseNo,
            matterCode: part.matterCode,
            department: part.department,
            dueOn: part.stateDueOn!,
            state: part.workflowState!,
          };
          await this.outbox.enqueue(m, Topic.BusinessPartOverdue, c.caseNo, event);
          await this.progress.note(
            m,
            c,
            'escalated',
            `「${part.matterName}」「${part.workflowState}」环节超过时限（${part.stateDueOn}），已上报督办`,
            'business-platform',
            part.matterCode,
          );
          return true;
        }));
      if (!claimed) continue;
      if (!deemTo) {
        result.escalated++;
        continue;
      }
      const outcome = await this.decide
        .execute(
          {
            meta: { messageId: randomUUID(), correlationId: randomUUID(), app: 'business-platform', sentAt: now.toISOString() },
            partId: part.id,
            caseNo: c.caseNo,
            matterCode: part.matterCode,
            department: part.department,
            decision: 'approved',
            reason: `「${part.workflowState}」超过时限，依法视为同意 (deemed approved: the step's limit passed)`,
            decidedAt: now.toISOString(),
          },
          { subject: null, actor: `${part.department}/视为同意`.slice(0, 128), from: part.workflowState, to: deemTo },
        )
        .catch((err: Error) => {
          this.log.error(
            `视为同意未能生效，下次扫描重试 (deemed approval failed; the next sweep retries) ${c.caseNo} ${part.matterCode}: ${err.message}`,
          );
          return 'failed' as const;
        });
      if (outcome === 'applied') result.deemedApproved++;
    }
    if (result.escalated > 0) this.outbox.wake();
    if (result.escalated + result.deemedApproved > 0)
      this.log.warn(`环节超时 (steps past their limit): escalated ${result.escalated}, deemed approved ${result.deemedApproved}`);
    return result;
  }
}
