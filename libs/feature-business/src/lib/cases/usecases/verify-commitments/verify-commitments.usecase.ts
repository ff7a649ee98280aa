import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DataExistsReply, Topic, validateMessage } from '@gmp/contracts';
import type { CryptoProvider } from '@gmp/gm-crypto';
import { CapabilityClient, describeError, preparedQuery, ProviderError, quoteTablePath } from '@gmp/messaging';
import { CRYPTO_PROVIDER } from '@gmp/service-kit';
import { APPLICANT_ID_LABEL, CaseProgressService, caseCallMeta } from '../../case-progress.service.js';
import { BizCase, BizCaseCommitment, BizCasePart } from '../../cases.entities.js';
import { CommitmentRevocation } from '../../commitment-revocation.service.js';

const EVERY_MS = 10 * 60_000;
const BATCH = 20;
const TIMEOUT_MS = 10_000;
/** How long a checking instance holds the rows it leased: longer than a batch can take (another takes them over after). */
const LEASE_SECONDS = (BATCH * TIMEOUT_MS) / 1000 + 120;

export interface CommitmentSweepResult {
  passed: number;
  failed: number;
  /** Checks the data platform refused (no usable grant, an item not granted …): left to the department's inspection. */
  unverifiable: number;
  /** Checks that could not be made this time (the data platform refused or did not answer): retried with backoff. */
  retried: number;
  /** Revocations whose licences were revoked in this pass. */
  revocationsDone: number;
}

/**
 * 告知承诺事后核查, swept from PostgreSQL every ten minutes (and on demand): each data-checked
 * commitment of a delivered case, once its `afterDays` have passed, is checked through the data
 * platform's `data.shared.exists.v1` under the business platform's own grant on the resource —
 * yes or no, nothing else read; the check is in the applicant's "who used my data". Yes: passed.
 * No: the commitment fails and a revocation is open for the matter's department (back office),
 * which confirms it (broken: licences revoked, credit record) or finds the commitment kept.
 * A check the data platform refuses or does not answer is retried with backoff, its error kept.
 * Rows are leased with SKIP LOCKED, so instances share the work. The same pass finishes the
 * revocations whose licences are not all revoked yet.
 */
@Injectable()
export class VerifyCommitments implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('CommitmentSweep');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly progress: CaseProgressService,
    private readonly capabilities: CapabilityClient,
    private readonly revocation: CommitmentRevocation,
    @Inject(CRYPTO_PROVIDER) private readonly crypto: CryptoProvider,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => void this.execute().catch((err: Error) => this.log.warn(`告知承诺核查扫描失败 (commitment sweep failed): ${err.message}`)),
      EVERY_MS,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async execute(now = new Date()): Promise<CommitmentSweepResult> {
    const result: CommitmentSweepResult = { passed: 0, failed: 0, unverifiable: 0, retried: 0, revocationsDone: 0 };
    for (const row of await this.lease(now, 'check')) {
      const outcome = await this.check(row, now);
      result[outcome]++;
    }
    for (const row of await this.lease(now, 'revocation')) {
      const c = await this.dataSource.getRepository(BizCase).findOneBy({ id: row.caseId });
      if (c && (await this.revocation.finish(row, c))) result.revocationsDone++;
    }
    if (Object.values(result).some((n) => n > 0)) this.log.log(`告知承诺核查 (commitments checked): ${JSON.stringify(result)}`);
    return result;
  }

  /** Leases due rows: data checks of delivered cases past their days, or revocations not finished. */
  private async lease(now: Date, kind: 'check' | 'revocation'): Promise<BizCaseCommitment[]> {
    const v = quoteTablePath(this.dataSource.getMetadata(BizCaseCommitment).tablePath);
    const c = quoteTablePath(this.dataSource.getMetadata(BizCase).tablePath);
    const p = quoteTablePath(this.dataSource.getMetadata(BizCasePart).tablePath);
    const due =
      kind === 'check'
        ? // Only matters the applicant received: a refused or stopped part's commitment is not checked.
          `v.status = 'pending' AND v.method = 'data-check'
           AND EXISTS (SELECT 1 FROM ${c} c WHERE c.id = v.case_id AND c.delivery_status = 'delivered'
                         AND c.delivered_at + make_interval(days => v.after_days) <= $1)
           AND EXISTS (SELECT 1 FROM ${p} p WHERE p.case_id = v.case_id AND p.matter_code = v.matter_code AND p.status = 'approved')`
        : `v.status = 'revoked' AND v.revocation_done_at IS NULL`;
    const list = await preparedQuery<{ id: string }>(
      this.dataSource,
      `business-commitment-lease-${kind}`,
      `UPDATE ${v} SET next_try_at = $1::timestamptz + make_interval(secs => $2), attempts = attempts + ${kind === 'check' ? 1 : 0}
        WHERE id IN (SELECT v.id FROM ${v} v WHERE ${due} AND (v.next_try_at IS NULL OR v.next_try_at <= $1)
                      ORDER BY v.next_try_at NULLS FIRST LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING id`,
      [now, LEASE_SECONDS, BATCH],
    );
    if (list.length === 0) return [];
    return this.dataSource.getRepository(BizCaseCommitment).findBy(list.map((r) => ({ id: r.id })));
  }

  private async check(row: BizCaseCommitment, now: Date): Promise<'passed' | 'failed' | 'unverifiable' | 'retried'> {
    const c = await this.dataSource.getRepository(BizCase).findOneBy({ id: row.caseId });
    if (!c?.applicantIdEnc || !row.checkSpec)
      return this.unverifiable(row, c, now, '办件未留存申请人证件号或核查条件 (no applicant ID or check kept)');
    // What the application said (e.g. the premises) must be what the record holds.
    const fromForm = Object.entries(row.checkSpec.fromForm ?? {}).map(([item, id]) => [item, c.form[id]] as const);
    const missing = fromForm.filter(([, v]) => !['string', 'number', 'boolean'].includes(typeof v)).map(([item]) => item);
    if (missing.length > 0)
      return this.unverifiable(row, c, now, `申请中没有核查所需的值 (the application has no value for): ${missing.join(', ')}`);
    const match = { ...(row.checkSpec.equals ?? {}), ...Object.fromEntries(fromForm as [string, string | number | boolean][]) };
    let exists: boolean;
    try {
      const raw = await this.capabilities.request(
        Topic.DataExists,
        null, // no plain ID number as a Kafka key
        {
          meta: caseCallMeta(c.caseNo, `告知承诺事后核查：${row.materialName} (post-verification of a commitment)`),
          input: {
            resourceCode: row.checkSpec.resource,
            subjectId: this.crypto.decrypt(APPLICANT_ID_LABEL, c.applicantIdEnc, c.id).toString('utf8'),
            ...(Object.keys(match).length > 0 ? { match } : {}),
          },
        },
        TIMEOUT_MS,
      );
      const reply = validateMessage(DataExistsReply, raw);
      if (!reply.ok) throw new Error(`应答不合规 (a malformed answer): ${JSON.stringify(reply.errors).slice(0, 200)}`);
      exists = reply.value.exists;
    } catch (err) {
      // A refusal (no usable grant, an item not granted, a masked item …) will not change by itself: the department inspects.
      if (err instanceof ProviderError && err.error && err.error.status >= 400 && err.error.status < 500)
        return this.unverifiable(row, c, now, describeError(err));
      return this.retry(row, now, describeError(err));
    }
    return this.dataSource.transaction(async (m) => {
      const moved = await m
        .getRepository(BizCaseCommitment)
        .update(
          { id: row.id, status: 'pending' },
          { status: exists ? 'passed' : 'failed', checkedAt: now, nextTryAt: null, lastError: null },
        );
      if (moved.affected !== 1) return 'retried';
      await this.progress.note(
        m,
        c,
        exists ? 'commitment-verified' : 'commitment-check-failed',
        exists
          ? `告知承诺核查通过：「${row.materialName}」与${row.checkSpec!.resource}的记录相符`
          : `告知承诺核查未通过：「${row.materialName}」在${row.checkSpec!.resource}中没有相符记录，已提请${row.department}认定（可陈述申辩）`,
        'business-platform',
        row.matterCode,
      );
      return exists ? 'passed' : 'failed';
    });
  }

  /** The check cannot be made: the department is asked to inspect instead (in its open box), with why. */
  private async unverifiable(row: BizCaseCommitment, c: BizCase | null, now: Date, error: string): Promise<'unverifiable' | 'retried'> {
    this.log.warn(`告知承诺无法数据核查，转部门现场核查 (check refused; left to the department) ${row.id}: ${error}`);
    return this.dataSource.transaction(async (m) => {
      const moved = await m
        .getRepository(BizCaseCommitment)
        .update(
          { id: row.id, status: 'pending' },
          { status: 'unverifiable', checkedAt: now, nextTryAt: null, lastError: error.slice(0, 500) },
        );
      if (moved.affected !== 1) return 'retried';
      if (c)
        await this.progress.note(
          m,
          c,
          'commitment-unverifiable',
          `告知承诺「${row.materialName}」无法通过数据核查，转${row.department}现场核查`,
          'business-platform',
          row.matterCode,
        );
      return 'unverifiable';
    });
  }

  /** Backoff: 5 min doubling to a day; the error is kept on the row for the back office and operators. */
  private async retry(row: BizCaseCommitment, now: Date, error: string): Promise<'retried'> {
    const minutes = Math.min(24 * 60, 5 * 2 ** Math.max(0, row.attempts - 1));
    this.log.warn(`告知承诺核查未完成，${minutes} 分钟后重试 (check to retry) ${row.id}: ${error}`);
    await this.dataSource
      .getRepository(BizCaseCommitment)
      .update({ id: row.id, status: 'pending' }, { lastError: error.slice(0, 500), nextTryAt: new Date(now.getTime() + minutes * 60_000) });
    return 'retried';
  }
}
