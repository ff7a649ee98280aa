import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, In, IsNull, LessThan, LessThanOrEqual } from 'typeorm';
import { todayInChina } from '@gmp/gov-standards';
import { CaseProgressService } from '../../case-progress.service.js';
import { ApplicantNotifier } from '../../applicant-notifier.service.js';
import { BizCase, BizCasePart, BizCaseSupplement } from '../../cases.entities.js';

const EVERY_MS = 60_000;

/**
 * 容缺 deadlines, swept from PostgreSQL every minute (and on demand), not kept in timers: the
 * applicant is reminded two working days before a supplement's due day; a supplement still
 * open after its due day expires, and its case stops — the parts not yet
 * decided are stopped, no output is released. Rows are claimed with SKIP LOCKED, so instances
 * share the work; each case changes in one transaction with its timeline.
 */
@Injectable()
export class SweepSupplements implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('SupplementSweep');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly progress: CaseProgressService,
    private readonly notifier: ApplicantNotifier,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () =>
        void this.remind()
          .then(() => this.execute())
          .catch((err: Error) => this.log.warn(`容缺期限扫描失败 (supplement sweep failed): ${err.message}`)),
      EVERY_MS,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * Reminds the applicant of each open supplement whose reminder day has come (once: a timeline
   * entry, and an SMS when the form gave a phone number — sent after the claim commits, best
   * effort); answers how many were reminded.
   */
  async remind(now = new Date()): Promise<number> {
    const today = todayInChina(now);
    const open = await this.dataSource
      .getRepository(BizCaseSupplement)
      .find({ where: { status: 'open', remindOn: LessThanOrEqual(today), remindedAt: IsNull() }, take: 200 });
    let n = 0;
    for (const s of open) {
      const c = await this.dataSource.transaction(async (m) => {
        const claimed = await m
          .getRepository(BizCaseSupplement)
          .update({ id: s.id, status: 'open', remindedAt: IsNull() }, { remindedAt: now });
        if (claimed.affected !== 1) return null;
        const kase = await m.getRepository(BizCase).findOneBy({ id: s.caseId });
        if (kase)
          await this.progress.note(
            m,
            kase,
            'supplement-reminder',
            `请于 ${s.dueOn} 前补齐容缺材料「${s.materialName}」，逾期办件终止`,
            'business-platform',
          );
        return kase;
      });
      if (!c) continue;
      n++;
      await this.notifier.reminded(c, s);
    }
    if (n > 0) this.log.log(`容缺提醒 (supplements reminded): ${n}`);
    return n;
  }

  /** Expires supplements due before `now`'s day in China and stops their cases; returns how many expired. */
  async execute(now = new Date()): Promise<number> {
    const today = todayInChina(now);
    return this.dataSource.transaction(async (m) => {
      const due = await m.getRepository(BizCaseSupplement).find({
        where: { status: 'open', dueOn: LessThan(today) },
        take: 200,
        lock: { mode: 'pessimistic_write', onLocked: 'skip_locked' },
      });
      for (const s of due) {
        await m.getRepository(BizCaseSupplement).update({ id: s.id }, { status: 'expired' });
        const c = await m.getRepository(BizCase).findOne({ where: { id: s.caseId }, lock: { mode: 'pessimistic_write' } });
        if (!c) continue;
        await this.progress.note(
          m,
          c,
          'supplement-expired',
          `容缺材料「${s.materialName}」逾期未补齐（应于 ${s.dueOn} 前），办件终止`,
          'business-platform',
        );
        const parts = await m.getRepository(BizCasePart).findBy({ caseId: c.id, status: In(['waiting', 'dispatched']) });
        for (const p of parts) await m.getRepository(BizCasePart).update({ id: p.id }, { status: 'stopped' });
        if (['in-progress', 'awaiting-supplements'].includes(c.status)) {
          await m.getRepository(BizCase).update({ id: c.id }, { status: 'stopped', finishedAt: now });
          await this.progress.note(m, c, 'stopped', '办件已终止 (the case stopped: a supplement is past its due day)', 'business-platform');
        }
      }
      if (due.length > 0) this.log.log(`容缺逾期 (supplements expired): ${due.length}`);
      return due.length;
    });
  }
}
