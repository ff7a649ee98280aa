import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, In } from 'typeorm';
import type { MyCaseReply, MyCaseSummary } from '@gmp/contracts';
import { crossesRegions, regionRef } from '@gmp/gov-standards';
import { BundlesService } from '../bundles/bundles.service.js';
import { BizCase, BizCaseCommitment, BizCaseEvent, BizCaseOutput, BizCasePart, BizCaseSupplement } from './cases.entities.js';

/** Timeline entries for the platform and departments only (not in the applicant's view). */
export const STAFF_ONLY_KINDS: ReadonlySet<string> = new Set(['delivery-failed', 'escalated', 'step-warning', 'rectification']);

/** How a case reads: in full for the window and the platform's internal API, and as its applicant sees it (我的办件). */
@Injectable()
export class CaseViewService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly bundles: BundlesService,
  ) {}

  /** The case as the applicant and the window read it: one notice of everything still needed (一次告知), one timeline (一次反馈). */
  async view(c: BizCase) {
    const [parts, supplements, events, licences, checks] = await Promise.all([
      this.dataSource.getRepository(BizCasePart).find({ where: { caseId: c.id }, order: { stage: 'ASC', matterCode: 'ASC' } }),
      this.dataSource.getRepository(BizCaseSupplement).find({ where: { caseId: c.id }, order: { materialCode: 'ASC' } }),
      this.dataSource.getRepository(BizCaseEvent).find({ where: { caseId: c.id }, order: { seq: 'ASC' } }),
      this.dataSource.getRepository(BizCaseOutput).find({ where: { caseId: c.id }, order: { matterCode: 'ASC', outputCode: 'ASC' } }),
      this.dataSource.getRepository(BizCaseCommitment).find({ where: { caseId: c.id }, order: { matterCode: 'ASC' } }),
    ]);
    return {
      caseNo: c.caseNo,
      bundleCode: c.bundleCode,
      bundleVersion: c.bundleVersion,
      status: c.status,
      applicant: { masked: c.applicantMasked, name: c.applicantName },
      committedDueOn: c.committedDueOn,
      provisional: c.provisional,
      submittedAt: c.submittedAt.toISOString(),
      finishedAt: c.finishedAt?.toISOString() ?? null,
      // 跨域办: 收件地, 送达地, and whether a part is handled (or the result delivered) elsewhere.
      regions: this.regionsOf(c, parts),
      notice: {
        supplements: supplements.map((s) => ({ material: s.materialCode, name: s.materialName, dueOn: s.dueOn, status: s.status })),
        // 告知承诺: each checked after delivery, by data or by the department's inspection, per matter that took it.
        commitments: c.materials
          .filter((x) => x.status === 'committed')
          .map((x) => ({
            material: x.code,
            name: x.name,
            verification: checks
              .filter((v) => v.materialCode === x.code)
              .map((v) => ({ matterCode: v.matterCode, department: v.department, method: v.method, status: v.status, reason: v.reason })),
          })),
        exempt: c.materials
          .filter((x) => ['produced', 'licence', 'shared-data'].includes(x.status))
          .map((x) => ({ material: x.code, name: x.name, how: x.status })),
      },
      parts: parts.map((p) => ({
        matterCode: p.matterCode,
        matterName: p.matterName,
        department: p.department,
        handlingRegion: p.handlingRegion ? regionRef(p.handlingRegion) : null,
        stage: p.stage,
        status: p.status,
        dueOn: p.dueOn,
        dispatchedAt: p.dispatchedAt?.toISOString() ?? null,
        decidedAt: p.decidedAt?.toISOString() ?? null,
        reason: p.reason,
        // 计时: a pause (补正, or a special procedure) and extensions move the due day; the applicant sees why.
        clock: {
          pausedAt: p.clockPausedAt?.toISOString() ?? null,
          pauseReason: p.clockPauseReason,
          pausedWorkingDays: p.pausedWorkingDays,
          extendedDays: p.extendedDays,
        },
        outputs: p.outputs,
      })),
      prefilled: Object.entries(c.prefill?.sources ?? {}).map(([field, source]) => ({ field, ...source })),
      notPrefilled: c.prefill?.missed ?? [],
      delivery: {
        status: c.deliveryStatus,
        deliveredAt: c.deliveredAt?.toISOString() ?? null,
        /** Why the last delivery attempt failed (retried; `failed` after the last attempt). */
        error: c.deliveryError,
        archivePackageId: c.archivePackageId,
        licences: licences.map((l) => ({
          matterCode: l.matterCode,
          output: l.outputCode,
          name: l.name,
          licenceId: l.licenceId,
          number: l.number,
        })),
      },
      timeline: events.map((e) => ({ at: e.at.toISOString(), kind: e.kind, matterCode: e.matterCode, actor: e.actor, message: e.message })),
    };
  }

  /** The applicant's cases, newest first, each with what they must still do. */
  async summariesOf(applicantKey: string, limit: number, offset: number): Promise<{ cases: MyCaseSummary[]; more: boolean }> {
    const rows = await this.dataSource
      .getRepository(BizCase)
      .find({ where: { applicantKey }, order: { submittedAt: 'DESC', id: 'ASC' }, take: limit + 1, skip: offset });
    const page = rows.slice(0, limit);
    if (page.length === 0) return { cases: [], more: false };
    // The page's parts, open supplements and bundle names in three reads, not three per case.
    const ids = page.map((c) => c.id);
    const [parts, supplements] = await Promise.all([
      this.dataSource.getRepository(BizCasePart).findBy({ caseId: In(ids) }),
      this.dataSource.getRepository(BizCaseSupplement).findBy({ caseId: In(ids), status: 'open' }),
    ]);
    const names = new Map<string, Promise<string>>();
    const nameOf = (c: BizCase) => {
      const key = `${c.bundleCode}@${c.bundleVersion}`;
      if (!names.has(key))
        names.set(
          key,
          this.bundles.get(c.bundleCode, c.bundleVersion).then(
            (b) => b.plan.name,
            () => c.bundleCode,
          ),
        );
      return names.get(key)!;
    };
    const cases = await Promise.all(
      page.map(async (c) =>
        this.summaryOf(
          c,
          parts.filter((p) => p.caseId === c.id),
          supplements.filter((x) => x.caseId === c.id),
          await nameOf(c),
        ),
      ),
    );
    return { cases, more: rows.length > limit };
  }

  /** One case as its applicant reads it: no form values, no files, no staff names — the parts, what to do, the timeline. */
  async forApplicant(c: BizCase): Promise<MyCaseReply> {
    const [parts, events] = await Promise.all([
      this.dataSource.getRepository(BizCasePart).find({ where: { caseId: c.id }, order: { stage: 'ASC', matterCode: 'ASC' } }),
      this.dataSource.getRepository(BizCaseEvent).find({ where: { caseId: c.id }, order: { seq: 'ASC' } }),
    ]);
    const regions = this.regionsOf(c, parts);
    return {
      ...(await this.summary(c, parts)),
      acceptRegion: regions.accept,
      deliveryRegion: regions.delivery,
      crossRegion: regions.crossRegion,
      parts: parts.map((p) => ({
        matterCode: p.matterCode,
        matterName: p.matterName,
        department: p.department,
        handlingRegion: p.handlingRegion ? regionRef(p.handlingRegion) : null,
        status: p.status,
        dueOn: p.dueOn,
        reason: p.reason,
        marks: p.marks,
      })),
      // Staff appear by department only: the actor's account id is not the applicant's to read; and the platform's own
      // working notes (delivery errors, escalations, rectification requests and reviews) are not the applicant's either.
      timeline: events
        .filter((e) => !STAFF_ONLY_KINDS.has(e.kind))
        .map((e) => ({ at: e.at.toISOString(), kind: e.kind, matterCode: e.matterCode, message: e.message })),
    };
  }

  /** 收件地 and 送达地 (unknown — null — for cases from before they were kept), and whether the case is handled or delivered across regions. */
  private regionsOf(c: BizCase, parts: BizCasePart[]) {
    const accept = c.acceptRegion;
    const delivery = c.deliveryRegion ?? accept;
    return {
      accept: accept ? regionRef(accept) : null,
      delivery: delivery ? regionRef(delivery) : null,
      crossRegion:
        accept !== null &&
        ((delivery !== null && crossesRegions(delivery, accept)) ||
          parts.some((p) => p.handlingRegion !== null && crossesRegions(p.handlingRegion, accept))),
    };
  }

  private async summary(c: BizCase, parts: BizCasePart[]): Promise<MyCaseSummary> {
    const supplements = await this.dataSource.getRepository(BizCaseSupplement).findBy({ caseId: c.id, status: 'open' });
    const bundle = await this.bundles.get(c.bundleCode, c.bundleVersion).catch(() => null);
    return this.summaryOf(c, parts, supplements, bundle?.plan.name ?? c.bundleCode);
  }

  private summaryOf(c: BizCase, parts: BizCasePart[], supplements: BizCaseSupplement[], bundleName: string): MyCaseSummary {
    return {
      caseNo: c.caseNo,
      bundleCode: c.bundleCode,
      bundleName,
      status: c.status,
      submittedAt: c.submittedAt.toISOString(),
      finishedAt: c.finishedAt?.toISOString() ?? null,
      committedDueOn: c.committedDueOn,
      todo: [
        ...parts
          .filter((p) => p.status === 'dispatched' && p.marks)
          .map((p) => `补正「${p.matterName}」：${[...p.marks!.fields, ...p.marks!.materials].join('、')}（${p.marks!.reason}）`),
        ...supplements.map((s) => `补齐容缺材料「${s.materialName}」，${s.dueOn} 前`),
      ],
    };
  }
}
