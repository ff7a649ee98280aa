import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, IsNull, LessThan } from 'typeorm';
import { type CasePartOverdueEvent, Topic } from '@gmp/contracts';
import { todayInChina } from '@gmp/gov-standards';
import { OutboxService } from '@gmp/messaging';
import { CaseProgressService } from '../../case-progress.service.js';
import { BizCase, BizCasePart } from '../../cases.entities.js';

const EVERY_MS = 60_000;

/**
 * Parts' committed due days, swept from PostgreSQL every minute (not in timers): a part still
 * with its department after its due day is reported once (超期上报) — an event through the outbox
 * and a timeline entry the applicant reads. Rows claimed with SKIP LOCKED, so instances share it.
 */
@Injectable()
export class SweepPartDeadlines implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('PartDeadlineSweep');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly progress: CaseProgressService,
    private readonly outbox: OutboxService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => void this.execute().catch((err: Error) => this.log.warn(`办理期限扫描失败 (part deadline sweep failed): ${err.message}`)),
      EVERY_MS,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Reports the parts due before `now`'s day in China and still undecided; returns how many. */
  async execute(now = new Date()): Promise<number> {
    const today = todayInChina(now);
    const n = await this.dataSource.transaction(async (m) => {
      const late = await m.getRepository(BizCasePart).find({
        // A paused clock (补正, a special procedure) does not run out.
        where: { status: 'dispatched', dueOn: LessThan(today), overdueAt: IsNull(), clockPausedAt: IsNull() },
        take: 200,
        lock: { mode: 'pessimistic_write', onLocked: 'skip_locked' },
      });
      for (const part of late) {
        await m.getRepository(BizCasePart).update({ id: part.id }, { overdueAt: now });
        const c = await m.getRepository(BizCase).findOneBy({ id: part.caseId });
        if (!c) continue;
        const event: CasePartOverdueEvent = {
          meta: { messageId: randomUUID(), correlationId: randomUUID(), app: 'business-platform', sentAt: now.toISOString() },
          partId: part.id,
          caseNo: c.caseNo,
          matterCode: part.matterCode,
          department: part.department,
          dueOn: part.dueOn!,
        };
        await this.outbox.enqueue(m, Topic.BusinessPartOverdue, c.caseNo, event);
        await this.progress.note(
          m,
          c,
          'overdue',
          `「${part.matterName}」超过承诺期限（${part.dueOn}）尚未办结，已上报督办`,
          'business-platform',
          part.matterCode,
        );
      }
      return late.length;
    });
    if (n > 0) {
      this.outbox.wake();
      this.log.warn(`超期上报 (parts past their due day reported): ${n}`);
    }
    return n;
  }
}
