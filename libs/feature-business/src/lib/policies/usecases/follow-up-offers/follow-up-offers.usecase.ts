import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Topic } from '@gmp/contracts';
import { CapabilityClient, describeError, quoteTablePath, returnedRows } from '@gmp/messaging';
import { BizCase } from '../../../cases/cases.entities.js';
import { OpenApplyFreeCase } from '../../../cases/usecases/open-apply-free-case/open-apply-free-case.usecase.js';
import { BizPolicy, BizPolicyOffer } from '../../policies.entities.js';

const SWEEP_MS = 60_000;
const BATCH = 50;
const NOTIFY_TIMEOUT_MS = 10_000;
/** A failing offer waits 1, 2, 4 … minutes (at most a day) before it is tried again: the others go on meanwhile. */
const RETRY_BASE_MS = 60_000;
const RETRY_MAX_MS = 86_400_000;

/** A template parameter: one line of at most 64 characters. */
function plain(text: string): string {
  return text.replace(/\s+/g, ' ').slice(0, 64);
}

type Due = { id: string; subject_key: string; code: string; name: string; benefit: string; bundle_code: string | null; offered_at: Date };

/**
 * What follows an offer, after its transaction: 政策直达 — the person is told in their inbox
 * (by subject key: they may open an account later) that they may be eligible, once per offer
 * made; 免申即享 proper — for an apply-free policy the platform opens the bundle's case itself
 * (OpenApplyFreeCase; its acceptance message is the person's notice, not a push). Woken when
 * offers are made (a tag event, a publication) and swept every minute from PostgreSQL; each offer
 * on its own: one that fails waits with backoff (`follow_up_after`) while the others go on, so a
 * notification outage or a policy whose bundle no longer fits blocks nobody else. A push is
 * claimed before it is sent (an offer objected to or withdrawn meanwhile is not pushed), a case
 * in the case's transaction (one per offer, across instances and retries).
 */
@Injectable()
export class FollowUpOffers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('PolicyFollowUp');
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

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.again = false;
    await this.running;
  }

  /** Runs soon (once at a time; a wake during a run runs again after it). */
  wake(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.execute()
      .catch((err: unknown) => {
        this.log.warn(`政策推送或免申即享受理未能完成，稍后重试 (offers not followed up; retried): ${describeError(err)}`);
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

  /** Pushes the offers not yet told, then opens the apply-free cases due — each part on its own; returns how many cases were opened. */
  async execute(): Promise<number> {
    await this.push().catch((err: unknown) => this.log.warn(`政策推送未能完成 (offer pushes not done): ${describeError(err)}`));
    return this.openCases();
  }

  /** 政策直达: an inbox message per offer made of a policy one applies for (a person's, not a company bundle's). */
  private async push(): Promise<void> {
    const [offers, policies] = this.tables();
    for (;;) {
      const due = (await this.dataSource.query(
        `SELECT o.id, o.subject_key, p.code, p.name, p.benefit, p.bundle_code, o.offered_at
           FROM ${offers} o JOIN ${policies} p ON p.code = o.policy_code
          WHERE NOT p.apply_free AND p.status = 'active' AND o.status = 'offered' AND o.notified_at IS NULL AND o.case_no IS NULL
            AND (o.follow_up_after IS NULL OR o.follow_up_after <= now())
          ORDER BY o.offered_at, o.id LIMIT ${BATCH}`,
      )) as Due[];
      for (const o of due) {
        if (!(await this.claimPush(o.id))) continue;
        try {
          if (await this.companyBundle(o.bundle_code)) continue; // a company's key opens no inbox
          await this.capabilities.request(
            Topic.NotificationSend,
            null,
            {
              meta: { messageId: randomUUID(), correlationId: o.id, app: 'business-platform', sentAt: new Date().toISOString() },
              input: {
                channel: 'in-app',
                to: `subject:${o.subject_key.trim()}`,
                template: 'policy-offered',
                params: { policy: plain(o.name), benefit: plain(o.benefit) },
                // Once per offer made (no subject key in the key: it is kept with the notification).
                dedupKey: `policy-offered:${o.id}:${new Date(o.offered_at).getTime()}`,
              },
            },
            NOTIFY_TIMEOUT_MS,
          );
        } catch (err) {
          await this.failed(o.id, true, err);
        }
      }
      if (due.length < BATCH) return;
    }
  }

  private async openCases(): Promise<number> {
    const [offers, policies] = this.tables();
    const cases = quoteTablePath(this.dataSource.getMetadata(BizCase).tablePath);
    let opened = 0;
    for (;;) {
      // Not for a subject who has the bundle's case under way already (applied themselves, or a policy switched to apply-free).
      const due = (await this.dataSource.query(
        `SELECT o.id, o.subject_key, p.code, p.name, p.benefit, p.bundle_code, o.offered_at
           FROM ${offers} o JOIN ${policies} p ON p.code = o.policy_code
          WHERE p.apply_free AND p.status = 'active' AND p.bundle_code IS NOT NULL AND o.status = 'offered' AND o.case_no IS NULL
            AND (o.follow_up_after IS NULL OR o.follow_up_after <= now())
            AND NOT EXISTS (SELECT 1 FROM ${cases} c WHERE c.applicant_key = o.subject_key AND c.bundle_code = p.bundle_code
                              AND c.status IN ('in-progress', 'awaiting-supplements'))
          ORDER BY o.offered_at, o.id LIMIT ${BATCH}`,
      )) as Due[];
      let progressed = 0;
      for (const o of due) {
        try {
          const c = await this.open.execute({
            policyCode: o.code,
            policyName: o.name,
            bundleCode: o.bundle_code!,
            subjectKey: o.subject_key.trim(),
            // Only while the offer still stands and has no case: one case per offer, whoever gets there first.
            claim: async (m, caseNo) => {
              const claimed = (await m.query(
                `UPDATE ${offers} SET case_no = $2, notified_at = now() WHERE id = $1 AND case_no IS NULL AND status = 'offered' RETURNING id`,
                [o.id, caseNo],
              )) as unknown[];
              return returnedRows(claimed).length === 1;
            },
          });
          if (c) opened++;
          progressed++;
        } catch (err) {
          await this.failed(o.id, false, err);
        }
      }
      if (due.length < BATCH || progressed === 0) break;
    }
    if (opened > 0) this.log.log(`免申即享：已自动受理 ${opened} 件 (apply-free cases opened)`);
    return opened;
  }

  /** Takes the offer's push before sending (true once): objected, withdrawn or pushed meanwhile — nothing is sent. */
  private async claimPush(id: string): Promise<boolean> {
    const [offers] = this.tables();
    const rows = (await this.dataSource.query(
      `UPDATE ${offers} SET notified_at = now() WHERE id = $1 AND status = 'offered' AND notified_at IS NULL RETURNING id`,
      [id],
    )) as unknown[];
    return returnedRows(rows).length === 1;
  }

  /** This offer waits with backoff (a push given back to be sent again); the error is logged, the others go on. */
  private async failed(id: string, pushing: boolean, err: unknown): Promise<void> {
    const [offers] = this.tables();
    this.log.warn(
      `政策 offer ${id} ${pushing ? '推送' : '免申受理'}失败，稍后重试 (follow-up failed; retried with backoff): ${describeError(err)}`,
    );
    await this.dataSource.query(
      `UPDATE ${offers} SET follow_up_attempts = follow_up_attempts + 1,
              follow_up_after = now() + make_interval(secs => LEAST($2::float8 * power(2, follow_up_attempts), $3::float8)),
              notified_at = CASE WHEN $4 THEN NULL ELSE notified_at END
        WHERE id = $1`,
      [id, RETRY_BASE_MS / 1000, RETRY_MAX_MS / 1000, pushing],
    );
  }

  private async companyBundle(bundleCode: string | null): Promise<boolean> {
    if (!bundleCode) return false;
    const t = quoteTablePath(this.dataSource.getMetadata('BizBundle').tablePath);
    const rows = (await this.dataSource.query(`SELECT 1 FROM ${t} WHERE code = $1 AND plan->>'target' = 'company' LIMIT 1`, [
      bundleCode,
    ])) as unknown[];
    return rows.length > 0;
  }

  private tables(): [string, string] {
    return [
      quoteTablePath(this.dataSource.getMetadata(BizPolicyOffer).tablePath),
      quoteTablePath(this.dataSource.getMetadata(BizPolicy).tablePath),
    ];
  }
}
