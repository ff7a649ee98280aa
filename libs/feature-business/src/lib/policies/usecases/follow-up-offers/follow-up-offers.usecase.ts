import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { Topic } from '@gmp/contracts';
import { CapabilityClient, describeError, quoteTablePath } from '@gmp/messaging';
import { OpenApplyFreeCase } from '../../../cases/usecases/open-apply-free-case/open-apply-free-case.usecase.js';
import { BizPolicy, BizPolicyOffer } from '../../policies.entities.js';

const SWEEP_MS = 60_000;
const BATCH = 50;
const NOTIFY_TIMEOUT_MS = 10_000;

/** A template parameter: one line of at most 64 characters. */
function plain(text: string): string {
  return text.replace(/\s+/g, ' ').slice(0, 64);
}

/**
 * What follows an offer, after its transaction: 政策直达 — the person is told in their inbox
 * (by subject key: they may open an account later) that they may be eligible, once per offer;
 * 免申即享 proper — for an apply-free policy the platform opens the bundle's case itself
 * (OpenApplyFreeCase; its acceptance message is the person's notice). Woken when offers are
 * made (a tag event, a publication) and swept every minute from PostgreSQL, so a failure (the
 * calendar or the notification service did not answer) is retried and instances share the work;
 * each offer gets one case (claimed in the case's transaction) and one message (the
 * notification's dedupKey). An objection or a withdrawn offer opens nothing; a case already open
 * stays.
 */
@Injectable()
export class FollowUpOffers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('ApplyFree');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private again = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly open: OpenApplyFreeCase,
    private readonly capabilities: CapabilityClient,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.wake(), SWEEP_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Runs soon (once at a time; a wake during a run runs again after it). */
  wake(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.execute()
      .catch((err: unknown) => {
        this.log.warn(`政策推送或免申即享受理未能全部完成，稍后重试 (offers not all followed up; retried): ${describeError(err)}`);
        return 0;
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Pushes the offers not yet told and opens the apply-free cases due; returns how many cases were opened. */
  async execute(): Promise<number> {
    await this.push();
    return this.openCases();
  }

  /** 政策直达: an inbox message per new offer of a policy one applies for (apply-free ones are told by their case). */
  private async push(): Promise<void> {
    const offers = quoteTablePath(this.dataSource.getMetadata(BizPolicyOffer).tablePath);
    const policies = quoteTablePath(this.dataSource.getMetadata(BizPolicy).tablePath);
    for (;;) {
      const due = (await this.dataSource.query(
        `SELECT o.id, o.subject_key, p.code, p.name, p.benefit
           FROM ${offers} o JOIN ${policies} p ON p.code = o.policy_code
          WHERE NOT p.apply_free AND p.status = 'active' AND o.status = 'offered' AND o.notified_at IS NULL
          ORDER BY o.offered_at, o.id LIMIT ${BATCH}`,
      )) as { id: string; subject_key: string; code: string; name: string; benefit: string }[];
      for (const o of due) {
        const subjectKey = o.subject_key.trim();
        await this.capabilities.request(
          Topic.NotificationSend,
          null,
          {
            meta: { messageId: randomUUID(), correlationId: o.id, app: 'business-platform', sentAt: new Date().toISOString() },
            input: {
              channel: 'in-app',
              to: `subject:${subjectKey}`,
              template: 'policy-offered',
              params: { policy: plain(o.name), benefit: plain(o.benefit) },
              dedupKey: `policy-offered:${o.code}:${subjectKey}`,
            },
          },
          NOTIFY_TIMEOUT_MS,
        );
        await this.dataSource.query(`UPDATE ${offers} SET notified_at = now() WHERE id = $1`, [o.id]);
      }
      if (due.length < BATCH) return;
    }
  }

  private async openCases(): Promise<number> {
    const offers = quoteTablePath(this.dataSource.getMetadata(BizPolicyOffer).tablePath);
    const policies = quoteTablePath(this.dataSource.getMetadata(BizPolicy).tablePath);
    let opened = 0;
    for (;;) {
      const due = (await this.dataSource.query(
        `SELECT o.id, o.subject_key, p.code, p.name, p.bundle_code
           FROM ${offers} o JOIN ${policies} p ON p.code = o.policy_code
          WHERE p.apply_free AND p.status = 'active' AND p.bundle_code IS NOT NULL AND o.status = 'offered' AND o.case_no IS NULL
          ORDER BY o.offered_at, o.id LIMIT ${BATCH}`,
      )) as { id: string; subject_key: string; code: string; name: string; bundle_code: string }[];
      let progressed = 0;
      for (const o of due) {
        const c = await this.open.execute({
          policyCode: o.code,
          policyName: o.name,
          bundleCode: o.bundle_code,
          subjectKey: o.subject_key.trim(),
          // Only while the offer still stands and has no case: one case per offer, whoever gets there first.
          claim: async (m, caseNo) => {
            const claimed = (await m.query(
              `UPDATE ${offers} SET case_no = $2 WHERE id = $1 AND case_no IS NULL AND status = 'offered' RETURNING id`,
              [o.id, caseNo],
            )) as unknown[];
            return (Array.isArray(claimed[0]) ? (claimed[0] as unknown[]) : claimed).length === 1;
          },
        });
        if (c) {
          opened++;
          progressed++;
        }
      }
      if (due.length < BATCH || progressed === 0) break;
    }
    if (opened > 0) this.log.log(`免申即享：已自动受理 ${opened} 件 (apply-free cases opened)`);
    return opened;
  }
}
