import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { todayInChina } from '@gmp/gov-standards';
import { OutboxService, WorkingDaysClient } from '@gmp/messaging';
import { BusinessConfig } from '../../../business.config.js';
import { applyFreeAsks } from '../../../bundles/apply-free.js';
import { BundlesService } from '../../../bundles/bundles.service.js';
import { ApplicantNotifier } from '../../applicant-notifier.service.js';
import { CaseProgressService, NEW_CASE_STATE } from '../../case-progress.service.js';
import { BizCase, BizCasePart } from '../../cases.entities.js';

/** What the policy side hands over: the subject (by key only) and the policy that found them eligible. */
export interface ApplyFreeRequest {
  policyCode: string;
  policyName: string;
  bundleCode: string;
  subjectKey: string;
  /**
   * Claims the subject's offer inside the case's transaction (true once: the offer had no case
   * yet) — so two instances, or a retry, open one case per offer.
   */
  claim: (m: EntityManager, caseNo: string) => Promise<boolean>;
}

/**
 * 免申即享: opens a bundle's case for a subject the data platform found eligible, without an
 * application — the platform is the applicant's agent under the policy. Only the subject's keyed
 * hash is known here (no ID number travels), so the case is filed under it (the person sees it in
 * 我的办件 with their own token), asks nothing (the bundle has no required field and no material
 * to hand in: checked when the policy is published), and its departments take it from there.
 * Calendar and workflow are read before the transaction (no cross-service call inside it).
 */
@Injectable()
export class OpenApplyFreeCase {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly bundles: BundlesService,
    private readonly progress: CaseProgressService,
    private readonly workingDays: WorkingDaysClient,
    private readonly outbox: OutboxService,
    private readonly settings: BusinessConfig,
    private readonly notifier: ApplicantNotifier,
  ) {}

  /** The case opened, or null when the offer had one already. */
  async execute(r: ApplyFreeRequest): Promise<BizCase | null> {
    const bundle = await this.bundles.get(r.bundleCode);
    const plan = bundle.plan;
    // Checked again here: the bundle's current version may ask what the one the policy was published on did not.
    const asks = applyFreeAsks(plan);
    if (asks.length > 0) throw new Error(`一件事 ${bundle.code} v${bundle.version} 不能免申即享 (asks ${asks.slice(0, 5).join('；')})`);
    const today = todayInChina(new Date());
    const due = await this.workingDays.deadline(today, Math.max(1, plan.criticalPath.committedDays));
    const schedule = await this.progress.scheduleFor(
      bundle,
      plan.matters.filter((x) => x.after.length === 0),
    );
    const regions = await this.progress.handlingRegions(bundle);
    const home = this.settings.BUSINESS_HOME_REGION;
    const opened = await this.dataSource.transaction(async (m) => {
      const caseNo = await this.progress.nextCaseNo(m, today);
      if (!(await r.claim(m, caseNo))) return null;
      const id = randomUUID();
      const c: BizCase = {
        ...NEW_CASE_STATE,
        id,
        caseNo,
        bundleCode: bundle.code,
        bundleVersion: bundle.version,
        applicantKey: r.subjectKey,
        applicantMasked: '免申即享',
        applicantName: '',
        submittedBy: `policy:${r.policyCode}`.slice(0, 128),
        idempotencyKey: null,
        requestHash: r.subjectKey,
        form: {},
        prefill: null,
        materials: [],
        commitmentSigned: false,
        committedDueOn: due.due,
        provisional: due.provisional,
        submittedAt: new Date(),
        // No ID number is known: outputs that need the holder's (e-licences) cannot be issued for such a case.
        applicantIdEnc: null,
        acceptRegion: home,
        deliveryRegion: home,
      };
      await m.getRepository(BizCase).insert(c as QueryDeepPartialEntity<BizCase>);
      const parts = this.progress.newParts(c.id, plan, regions);
      await m.getRepository(BizCasePart).insert(parts);
      await this.progress.note(
        m,
        c,
        'submitted',
        `免申即享：依政策「${r.policyName}」自动受理「${bundle.name}」，无需申请，一号 ${c.caseNo}，承诺 ${due.due} 前办结`,
        c.submittedBy,
      );
      await this.progress.advance(m, c, parts, plan, schedule, c.submittedBy);
      this.outbox.wake();
      return c;
    });
    // The person is told in their inbox (by subject key: they may open an account later).
    if (opened) void this.notifier.accepted(opened, bundle.name);
    return opened;
  }
}
