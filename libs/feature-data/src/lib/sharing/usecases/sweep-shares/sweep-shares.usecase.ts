import { todayInChina } from '@gmp/gov-standards';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, IsNull, LessThan, LessThanOrEqual } from 'typeorm';
import { DataShare } from '../../sharing.entities.js';
import { SharingEventsService } from '../../sharing-events.service.js';

/** Reminders go out this many calendar days before the due day. */
export const REMIND_DAYS_BEFORE = 3;
const EVERY_MS = 60_000;

/**
 * The sharing deadlines, swept every minute (and on demand): a pending application the owner has
 * not answered by its due day is escalated (上报) — an event, and no decision accepted any more;
 * one due within three days is reminded once; an approved grant past its end expires. Each
 * change and its event commit together; rows are claimed with SKIP LOCKED so instances share the work.
 */
@Injectable()
export class SweepShares implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('SharingSweep');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: SharingEventsService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => void this.execute().catch((err: Error) => this.log.warn(`共享期限扫描失败 (sweep failed): ${err.message}`)),
      EVERY_MS,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async execute(now = new Date()): Promise<{ escalated: number; reminded: number; expired: number }> {
    const today = todayInChina(now);
    const soon = todayInChina(new Date(now.getTime() + REMIND_DAYS_BEFORE * 86_400_000));
    const escalated = await this.each({ status: 'pending', dueOn: LessThan(today) }, async (m, s) => {
      s.status = 'escalated';
      await m.getRepository(DataShare).update({ id: s.id }, { status: 'escalated' });
      await this.events.changed(m, s, 'escalated');
    });
    const reminded = await this.each({ status: 'pending', dueOn: LessThanOrEqual(soon), remindedAt: IsNull() }, async (m, s) => {
      await m.getRepository(DataShare).update({ id: s.id }, { remindedAt: now });
      await this.events.changed(m, s, 'reminded');
    });
    const expired = await this.each({ status: 'approved', validUntil: LessThan(now) }, async (m, s) => {
      s.status = 'expired';
      await m.getRepository(DataShare).update({ id: s.id }, { status: 'expired' });
      await this.events.changed(m, s, 'expired');
    });
    if (escalated + reminded + expired > 0) {
      this.events.wake();
      this.log.log(`共享期限 (sharing deadlines): ${escalated} 上报 escalated, ${reminded} 提醒 reminded, ${expired} 到期 expired`);
    }
    return { escalated, reminded, expired };
  }

  private async each(where: Record<string, unknown>, apply: (m: EntityManager, s: DataShare) => Promise<void>): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const due = await m.getRepository(DataShare).find({ where, take: 500, lock: { mode: 'pessimistic_write', onLocked: 'skip_locked' } });
      for (const s of due) await apply(m, s);
      return due.length;
    });
  }
}
