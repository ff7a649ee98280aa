import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityTarget, In, IsNull } from 'typeorm';
import { dataScopeCondition, type Principal } from '@gmp/identity';
import { todayInChina } from '@gmp/gov-standards';
import { quoteTablePath, WorkingDaysClient } from '@gmp/messaging';
import { BizDepartment } from '../../../back-office/department.entity.js';
import { CaseProgressService } from '../../../cases/case-progress.service.js';
import { BizCase } from '../../../cases/cases.entities.js';
import { BizRating, BizRectification, type RectificationStatus } from '../../ratings.entities.js';
import { RatingProblem } from '../../ratings.problems.js';

/** Share of rectified bad ratings sampled for a return visit (回访). */
export const REVISIT_SHARE = 0.2;
const REVIEW_PERMISSION = 'rating:review';

/**
 * 差评整改 in the back office: the rated department's staff (`case:handle`, within their data
 * scope) start it, finish it with what was done, extend it once with a reason, or ask that the
 * rating be found invalid or the matter unrectifiable — which a reviewer (`rating:review`, the
 * department in scope) approves or sends back. Each step is a conditional update on the status
 * read (a concurrent step answers 409), and on the case's timeline.
 */
@Injectable()
export class WorkRectification {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly workingDays: WorkingDaysClient,
    private readonly progress: CaseProgressService,
  ) {}

  /** Rectifications within the principal's data scope: `open` (待整改, 整改中, 待审核, 已整改待验收), or `all`; each with whether it is overdue. */
  async list(principal: Principal, box: 'open' | 'all', limit: number, offset: number) {
    if (!principal.permissions.includes('case:handle') && !principal.permissions.includes(REVIEW_PERMISSION))
      throw RatingProblem.NOT_STAFF(principal.subject);
    const scope = dataScopeCondition(principal, { departmentPath: 'd.path', ownerId: 'r.handled_by' }, 1);
    const params: unknown[] = [...scope.params];
    const $ = (v: unknown) => `$${params.push(v)}`;
    const rows = (await this.dataSource.query(
      `SELECT r.id FROM ${this.table(BizRectification)} r LEFT JOIN ${this.table(BizDepartment)} d ON d.name = r.department
        WHERE ${scope.sql}${box === 'open' ? ` AND r.status IN ('pending', 'in-progress', 'review', 'rectified')` : ''}
        ORDER BY r.due_on ASC, r.id LIMIT ${$(limit + 1)} OFFSET ${$(offset)}`,
      params,
    )) as { id: string }[];
    // (An empty id list must not reach findBy: TypeORM reads an empty list of conditions as no condition at all.)
    const ids = rows.slice(0, limit).map((r) => r.id);
    if (ids.length === 0) return { more: false, items: [] };
    const found = await this.dataSource.getRepository(BizRectification).findBy({ id: In(ids) });
    const ratings = new Map(
      (await this.dataSource.getRepository(BizRating).findBy({ id: In(found.map((r) => r.ratingId)) })).map((x) => [x.id, x]),
    );
    const cases = new Map(
      (
        await this.dataSource
          .getRepository(BizCase)
          .find({ select: { id: true, caseNo: true }, where: { id: In(found.map((r) => r.caseId)) } })
      ).map((x) => [x.id, x.caseNo]),
    );
    const today = todayInChina(new Date());
    return {
      more: rows.length > limit,
      items: found
        .sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.id.localeCompare(b.id))
        .map((r) => ({ ...this.view(r, today), caseNo: cases.get(r.caseId) ?? null, rating: this.ratingView(ratings.get(r.ratingId)) })),
    };
  }

  async start(id: string, principal: Principal) {
    return this.move(id, principal, ['pending'], 'in-progress', {}, '开始整改');
  }

  async finish(id: string, principal: Principal, note: string) {
    const revisit = Math.random() < REVISIT_SHARE;
    return this.move(
      id,
      principal,
      ['in-progress'],
      'rectified',
      { note, finishedAt: new Date(), revisit, finishedBy: principal.subject },
      `已整改：${note}${revisit ? '（抽中回访）' : ''}`,
    );
  }

  async extend(id: string, principal: Principal, days: number, reason: string) {
    const r = await this.visible(id, principal);
    if (r.extendedDays > 0) throw RatingProblem.ALREADY_EXTENDED(r.id);
    if (r.dueOn < todayInChina(new Date())) throw RatingProblem.WRONG_STEP(`${r.dueOn}: 已逾期，不能延期 (past its due day)`);
    const dueOn = (await this.workingDays.deadline(r.dueOn, days)).due;
    return this.move(
      id,
      principal,
      ['pending', 'in-progress'],
      r.status,
      { dueOn, extendedDays: days },
      `整改期限延长 ${days} 个工作日至 ${dueOn}：${reason}`,
      r,
    );
  }

  async request(id: string, principal: Principal, kind: 'invalid' | 'unrectifiable', reason: string) {
    const r = await this.visible(id, principal);
    // One request per rectification: one sent back is rectified, not asked again.
    if (r.requestedBy) throw RatingProblem.WRONG_STEP(`${r.id}: 已申请过审核 (a review was asked before)`);
    return this.move(
      id,
      principal,
      ['pending', 'in-progress'],
      'review',
      { requestKind: kind, requestReason: reason, requestedBy: principal.subject },
      `申请${kind === 'invalid' ? '认定无效评价' : '认定无法整改'}：${reason}`,
      r,
    );
  }

  /**
   * The reviewer's word: on a request, approve it (invalid / unrectifiable) or send it back to be
   * rectified; on a rectified one (验收), close it or send it back — after the return visit when
   * it was sampled for one.
   */
  async review(id: string, principal: Principal, approve: boolean, note: string, revisitSatisfied?: boolean) {
    if (!principal.permissions.includes(REVIEW_PERMISSION)) throw RatingProblem.REVIEWER_REQUIRED(REVIEW_PERMISSION);
    const r = await this.visible(id, principal, false);
    if (r.status === 'rectified') {
      // Nobody accepts their own rectification.
      if (r.finishedBy === principal.subject) throw RatingProblem.REVIEWER_REQUIRED('不能验收本人的整改 (not one’s own rectification)');
      // Sampled for a return visit: accepted only once the applicant was asked.
      if (r.revisit && approve && revisitSatisfied === undefined) throw RatingProblem.REVISIT_REQUIRED(r.id);
      if (approve && revisitSatisfied === false) throw RatingProblem.REVISIT_UNSATISFIED(r.id);
      const visit = revisitSatisfied === undefined ? '' : revisitSatisfied ? '（回访满意）' : '（回访不满意）';
      return this.move(
        id,
        principal,
        ['rectified'],
        approve ? 'closed' : 'in-progress',
        {
          reviewedBy: principal.subject,
          reviewNote: note,
          handledBy: r.handledBy,
          ...(revisitSatisfied === undefined ? {} : { revisitSatisfied }),
        },
        approve ? `整改验收通过，办结${visit}：${note}` : `整改验收不通过，继续整改${visit}：${note}`,
        r,
      );
    }
    if (r.status !== 'review' || !r.requestKind) throw RatingProblem.WRONG_STEP(`${r.status}`);
    // Nobody reviews their own request (a staff member who also holds rating:review).
    if (r.requestedBy === principal.subject) throw RatingProblem.REVIEWER_REQUIRED('不能审核本人的申请 (not one’s own request)');
    const to: RectificationStatus = approve ? r.requestKind : 'in-progress';
    return this.move(
      id,
      principal,
      ['review'],
      to,
      { reviewedBy: principal.subject, reviewNote: note, handledBy: r.handledBy, ...(approve ? {} : { requestKind: null }) },
      approve ? `审核同意${r.requestKind === 'invalid' ? '认定无效评价' : '认定无法整改'}：${note}` : `审核不同意，继续整改：${note}`,
      r,
    );
  }

  private async move(
    id: string,
    principal: Principal,
    from: RectificationStatus[],
    to: RectificationStatus,
    set: Partial<BizRectification>,
    message: string,
    known?: BizRectification,
  ) {
    const r = known ?? (await this.visible(id, principal));
    if (!from.includes(r.status)) throw RatingProblem.WRONG_STEP(`${r.status} → ${to}`);
    const finished = to === 'rectified' ? { late: r.dueOn < todayInChina(new Date()) } : {};
    return this.dataSource.transaction(async (m) => {
      // On exactly what was read: a step taken meanwhile (another status, another request, an extension) is not undone.
      const moved = await m
        .getRepository(BizRectification)
        .update(
          { id: r.id, status: r.status, extendedDays: r.extendedDays, requestKind: r.requestKind ?? IsNull() },
          { ...set, ...finished, status: to, handledBy: 'handledBy' in set ? set.handledBy : principal.subject },
        );
      if (moved.affected !== 1) throw RatingProblem.WRONG_STEP(`${r.id}: changed meanwhile`);
      const c = await m.getRepository(BizCase).findOneBy({ id: r.caseId });
      if (c)
        await this.progress.note(
          m,
          c,
          'rectification',
          `${r.department} 差评整改 — ${message}`.slice(0, 500),
          `${r.department}/${principal.subject}`.slice(0, 128),
        );
      return this.view(await m.getRepository(BizRectification).findOneByOrFail({ id: r.id }), todayInChina(new Date()));
    });
  }

  /** The rectification if the principal's data scope covers its department — not found otherwise. Staff need `case:handle` unless reviewing. */
  private async visible(id: string, principal: Principal, staff = true): Promise<BizRectification> {
    if (staff && !principal.permissions.includes('case:handle')) throw RatingProblem.RECTIFICATION_NOT_FOUND(id);
    const scope = dataScopeCondition(principal, { departmentPath: 'd.path', ownerId: 'r.handled_by' }, 2);
    const rows = (await this.dataSource.query(
      `SELECT r.id FROM ${this.table(BizRectification)} r LEFT JOIN ${this.table(BizDepartment)} d ON d.name = r.department
        WHERE r.id = $1 AND ${scope.sql}`,
      [id, ...scope.params],
    )) as { id: string }[];
    if (rows.length === 0) throw RatingProblem.RECTIFICATION_NOT_FOUND(id);
    return this.dataSource.getRepository(BizRectification).findOneByOrFail({ id });
  }

  private view(r: BizRectification, today: string) {
    return {
      id: r.id,
      department: r.department,
      status: r.status,
      dueOn: r.dueOn,
      // Open past its due day (review included), or rectified after it.
      overdue: (['pending', 'in-progress', 'review'].includes(r.status) && r.dueOn < today) || r.late,
      extendedDays: r.extendedDays,
      note: r.note,
      requestKind: r.requestKind,
      requestReason: r.requestReason,
      reviewedBy: r.reviewedBy,
      reviewNote: r.reviewNote,
      revisit: r.revisit,
      revisitSatisfied: r.revisitSatisfied,
      finishedBy: r.finishedBy,
      finishedAt: r.finishedAt?.toISOString() ?? null,
    };
  }

  private ratingView(x: BizRating | undefined) {
    return x
      ? { score: x.score, reasons: x.reasons, comment: x.comment, matterCode: x.matterCode || null, ratedAt: x.ratedAt.toISOString() }
      : null;
  }

  private table(entity: EntityTarget<unknown>): string {
    return quoteTablePath(this.dataSource.getMetadata(entity).tablePath);
  }
}
