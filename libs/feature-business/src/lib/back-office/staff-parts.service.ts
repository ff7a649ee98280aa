import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityTarget, In } from 'typeorm';
import { dataScopeCondition, type Principal } from '@gmp/identity';
import { quoteTablePath } from '@gmp/messaging';
import { BundlesService } from '../bundles/bundles.service.js';
import { BizCase, BizCaseCommitment, BizCaseEvent, BizCasePart } from '../cases/cases.entities.js';
import type { MatterDefinition, WorkflowAction } from '../matters/matter-definition.js';
import { MattersService } from '../matters/matters.service.js';
import { actionsFrom } from '../matters/workflow.js';
import { BackOfficeProblem } from './back-office.problems.js';
import { BizDepartment } from './department.entity.js';

export type InboxBox = 'todo' | 'mine' | 'done';

/** One line of a staff member's inbox. */
export interface InboxItem {
  partId: string;
  caseNo: string;
  bundleCode: string;
  matterCode: string;
  matterName: string;
  department: string;
  status: string;
  state: string | null;
  dueOn: string | null;
  dispatchedAt: string | null;
  assignee: string | null;
  applicant: string;
}

/** A part's clock as staff read it: due days, a pause and why, the working days paused and extended. */
export interface PartClockView {
  partId: string;
  dueOn: string | null;
  stepDueOn: string | null;
  pausedAt: string | null;
  pauseReason: string | null;
  pausedWorkingDays: number;
  extendedDays: number;
}

export function clockView(p: BizCasePart): PartClockView {
  return {
    partId: p.id,
    dueOn: p.dueOn,
    stepDueOn: p.stateDueOn,
    pausedAt: p.clockPausedAt?.toISOString() ?? null,
    pauseReason: p.clockPauseReason,
    pausedWorkingDays: p.pausedWorkingDays,
    extendedDays: p.extendedDays,
  };
}

/** A commitment as the back office reads it (告知承诺核查). */
export function commitmentView(x: BizCaseCommitment) {
  return {
    material: x.materialCode,
    name: x.materialName,
    method: x.method,
    resource: x.checkSpec?.resource ?? null,
    status: x.status,
    checkedAt: x.checkedAt?.toISOString() ?? null,
    lastError: x.lastError,
    decidedBy: x.decidedBy,
    decidedAt: x.decidedAt?.toISOString() ?? null,
    reason: x.reason,
    revocationDoneAt: x.revocationDoneAt?.toISOString() ?? null,
  };
}

/**
 * What department staff see of cases (部门审批), always through their data scope: a part is
 * visible when its department's place in identity's tree (`biz_department.path`) is within the
 * scope their token carries (`dataScopeCondition` from `@gmp/identity`, in SQL), or, for `self`
 * scopes, when they claimed it. Departments identity cannot place are visible to `all` only.
 */
@Injectable()
export class StaffPartsService {
  private readonly log = new Logger('StaffParts');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly bundles: BundlesService,
    private readonly matters: MattersService,
  ) {}

  /** The part and its case, if the principal's data scope covers it — PART_NOT_FOUND otherwise (nothing is revealed). */
  async visible(partId: string, principal: Principal): Promise<{ part: BizCasePart; c: BizCase }> {
    const scope = dataScopeCondition(principal, { departmentPath: 'd.path', ownerId: 'p.assignee' }, 2);
    const rows = (await this.dataSource.query(
      `SELECT p.id FROM ${this.table(BizCasePart)} p LEFT JOIN ${this.table(BizDepartment)} d ON d.name = p.department
        WHERE p.id = $1 AND ${scope.sql}`,
      [partId, ...scope.params],
    )) as { id: string }[];
    if (rows.length === 0) throw BackOfficeProblem.PART_NOT_FOUND(partId);
    const part = (await this.dataSource.getRepository(BizCasePart).findOneBy({ id: partId }))!;
    const c = (await this.dataSource.getRepository(BizCase).findOneBy({ id: part.caseId }))!;
    return { part, c };
  }

  /** The matter's definition as the case's bundle version runs it. */
  async matterOf(c: BizCase, matterCode: string): Promise<MatterDefinition> {
    const bundle = await this.bundles.get(c.bundleCode, c.bundleVersion);
    const version = bundle.matterVersions[matterCode];
    if (version === undefined) throw BackOfficeProblem.PART_NOT_FOUND(`${c.caseNo} ${matterCode}`);
    return this.matters.definitionAt(matterCode, version);
  }

  /** The actions of the part's current step that one of the principal's roles may take. */
  actionsFor(definition: MatterDefinition, part: BizCasePart, principal: Principal): WorkflowAction[] {
    if (part.status !== 'dispatched') return [];
    const state = part.workflowState ?? definition.workflow.initial;
    return actionsFrom(definition.workflow, state).filter((a) => a.roles.some((r) => r !== 'applicant' && principal.roles.includes(r)));
  }

  /**
   * `todo`: open parts whose current step one of the principal's roles may take, unclaimed or
   * claimed by them, most urgent first; `mine`: open parts they claimed; `done`: decided parts.
   */
  async inbox(principal: Principal, box: InboxBox, limit: number, offset: number): Promise<{ items: InboxItem[]; more: boolean }> {
    const params: unknown[] = [];
    const $ = (v: unknown) => `$${params.push(v)}`;
    const where: string[] = [];
    if (box === 'done') where.push(`p.status IN ('approved', 'rejected')`);
    else where.push(`p.status = 'dispatched'`);
    if (box === 'mine') where.push(`p.assignee = ${$(principal.subject)}`);
    if (box === 'todo') {
      where.push(`(p.assignee IS NULL OR p.assignee = ${$(principal.subject)})`);
      const steps = await this.stepsFor(principal);
      if (steps.length === 0) return { items: [], more: false };
      where.push(`(c.bundle_code, c.bundle_version, p.matter_code, p.workflow_state) IN (SELECT * FROM jsonb_to_recordset(${$(JSON.stringify(steps))}::jsonb)
        AS s(bundle_code varchar, bundle_version int, matter_code varchar, workflow_state varchar))`);
    }
    const scope = dataScopeCondition(principal, { departmentPath: 'd.path', ownerId: 'p.assignee' }, params.length + 1);
    params.push(...scope.params);
    where.push(scope.sql);
    const order = box === 'done' ? 'p.decided_at DESC, p.id' : 'p.due_on ASC NULLS LAST, p.dispatched_at ASC, p.id';
    const rows = (await this.dataSource.query(
      `SELECT p.id, c.case_no, c.bundle_code, p.matter_code, p.matter_name, p.department, p.status, p.workflow_state, p.due_on,
              p.dispatched_at, p.assignee, c.applicant_masked
         FROM ${this.table(BizCasePart)} p
         JOIN ${this.table(BizCase)} c ON c.id = p.case_id
         LEFT JOIN ${this.table(BizDepartment)} d ON d.name = p.department
        WHERE ${where.join(' AND ')}
        ORDER BY ${order} LIMIT ${$(limit + 1)} OFFSET ${$(offset)}`,
      params,
    )) as Record<string, string | Date | null>[];
    return {
      more: rows.length > limit,
      items: rows.slice(0, limit).map((r) => ({
        partId: r['id'] as string,
        caseNo: r['case_no'] as string,
        bundleCode: r['bundle_code'] as string,
        matterCode: r['matter_code'] as string,
        matterName: r['matter_name'] as string,
        department: r['department'] as string,
        status: r['status'] as string,
        state: r['workflow_state'] as string | null,
        dueOn: r['due_on'] as string | null,
        dispatchedAt: r['dispatched_at'] ? (r['dispatched_at'] as Date).toISOString() : null,
        assignee: r['assignee'] as string | null,
        applicant: r['applicant_masked'] as string,
      })),
    };
  }

  /** The part as its department reads it: the case's form and materials for this matter, what was marked, the steps open to the reader. */
  async detail(partId: string, principal: Principal) {
    const { part, c } = await this.visible(partId, principal);
    const definition = await this.matterOf(c, part.matterCode);
    const bundle = await this.bundles.get(c.bundleCode, c.bundleVersion);
    const fields = bundle.plan.form.filter((f) => f.matters.includes(part.matterCode));
    const commitments = await this.dataSource
      .getRepository(BizCaseCommitment)
      .find({ where: { caseId: c.id, matterCode: part.matterCode }, order: { materialCode: 'ASC' } });
    const events = await this.dataSource
      .getRepository(BizCaseEvent)
      .createQueryBuilder('e')
      .where('e.case_id = :id AND (e.matter_code = :matter OR e.matter_code IS NULL)', { id: c.id, matter: part.matterCode })
      .orderBy('e.seq', 'ASC')
      .getMany();
    return {
      partId: part.id,
      caseNo: c.caseNo,
      bundleCode: c.bundleCode,
      bundleVersion: c.bundleVersion,
      caseStatus: c.status,
      applicant: { masked: c.applicantMasked, name: c.applicantName },
      matter: { code: part.matterCode, name: part.matterName, type: definition.type, legalBasis: definition.legalBasis },
      department: part.department,
      status: part.status,
      state: part.workflowState ?? (part.status === 'dispatched' ? definition.workflow.initial : null),
      dueOn: part.dueOn,
      stepDueOn: part.stateDueOn,
      assignee: part.assignee,
      claimedAt: part.claimedAt?.toISOString() ?? null,
      actions: this.actionsFor(definition, part, principal).map((a) => ({ name: a.name, to: a.to })),
      form: fields.map((f) => ({ id: f.id, name: f.name, type: f.type, value: c.form[f.id] ?? null })),
      materials: c.materials
        .filter((x) => x.matters.includes(part.matterCode))
        .map((x) => ({ code: x.code, name: x.name, kind: x.kind, status: x.status, fileId: x.fileId ?? null })),
      clock: clockView(part),
      outputs: part.outputs,
      commitments: commitments.map(commitmentView),
      marks: part.marks,
      reason: part.reason,
      timeline: events.map((e) => ({ at: e.at.toISOString(), kind: e.kind, actor: e.actor, message: e.message })),
    };
  }

  /**
   * 告知承诺 of parts within the principal's data scope: `open` — those waiting for the
   * department's word on a delivered, approved part (a failed or refused data check, an
   * inspection), oldest first;
   * `all` — every one, newest first.
   */
  async commitments(principal: Principal, box: 'open' | 'all', limit: number, offset: number) {
    const scope = dataScopeCondition(principal, { departmentPath: 'd.path', ownerId: 'p.assignee' }, 1);
    const params: unknown[] = [...scope.params];
    const $ = (v: unknown) => `$${params.push(v)}`;
    const open = `p.status = 'approved' AND c.delivery_status = 'delivered'
      AND (v.status IN ('failed', 'unverifiable') OR (v.status = 'pending' AND v.method = 'inspection'))`;
    const rows = (await this.dataSource.query(
      `SELECT v.id, p.id AS part_id, c.case_no, p.matter_code, p.matter_name, p.department, c.applicant_masked
         FROM ${this.table(BizCaseCommitment)} v
         JOIN ${this.table(BizCasePart)} p ON p.case_id = v.case_id AND p.matter_code = v.matter_code
         JOIN ${this.table(BizCase)} c ON c.id = v.case_id
         LEFT JOIN ${this.table(BizDepartment)} d ON d.name = p.department
        WHERE ${scope.sql}${box === 'open' ? ` AND ${open}` : ''}
        ORDER BY ${box === 'open' ? 'coalesce(v.checked_at, c.delivered_at) ASC' : 'c.submitted_at DESC'}, v.id
        LIMIT ${$(limit + 1)} OFFSET ${$(offset)}`,
      params,
    )) as Record<string, string>[];
    // (An empty id list must not reach findBy: TypeORM reads an empty list of conditions as no condition at all.)
    const ids = rows.slice(0, limit).map((r) => r['id']!);
    if (ids.length === 0) return { more: false, items: [] };
    const found = await this.dataSource.getRepository(BizCaseCommitment).findBy({ id: In(ids) });
    const byId = new Map(found.map((x) => [x.id, x]));
    return {
      more: rows.length > limit,
      items: rows
        .slice(0, limit)
        .filter((r) => byId.has(r['id']!))
        .map((r) => ({
          partId: r['part_id']!,
          caseNo: r['case_no']!,
          matterCode: r['matter_code']!,
          matterName: r['matter_name']!,
          department: r['department']!,
          applicant: r['applicant_masked']!,
          ...commitmentView(byId.get(r['id']!)!),
        })),
    };
  }

  /**
   * Every (bundle version, matter, state) with an action one of the principal's roles may take,
   * among the open parts within their data scope. A part whose bundle or matter version cannot be
   * read is left out (and logged), never failing the whole box.
   */
  private async stepsFor(principal: Principal) {
    const scope = dataScopeCondition(principal, { departmentPath: 'd.path', ownerId: 'p.assignee' }, 1);
    const open = (await this.dataSource.query(
      `SELECT DISTINCT c.bundle_code, c.bundle_version, p.matter_code, p.workflow_state
         FROM ${this.table(BizCasePart)} p JOIN ${this.table(BizCase)} c ON c.id = p.case_id
         LEFT JOIN ${this.table(BizDepartment)} d ON d.name = p.department
        WHERE p.status = 'dispatched' AND p.workflow_state IS NOT NULL AND ${scope.sql}`,
      scope.params,
    )) as { bundle_code: string; bundle_version: number; matter_code: string; workflow_state: string }[];
    const steps: typeof open = [];
    const versions = new Map<string, Record<string, number>>();
    for (const row of open) {
      try {
        const key = `${row.bundle_code}@${row.bundle_version}`;
        if (!versions.has(key)) versions.set(key, (await this.bundles.get(row.bundle_code, row.bundle_version)).matterVersions);
        const version = versions.get(key)![row.matter_code];
        if (version === undefined) continue;
        const definition = await this.matters.definitionAt(row.matter_code, version);
        if (
          actionsFrom(definition.workflow, row.workflow_state).some((a) =>
            a.roles.some((r) => r !== 'applicant' && principal.roles.includes(r)),
          )
        )
          steps.push(row);
      } catch (err) {
        this.log.warn(
          `待办中略过无法读取的环节 (a step left out of the to-do box): ${row.bundle_code} v${row.bundle_version} ${row.matter_code}: ${(err as Error).message}`,
        );
      }
    }
    return steps;
  }

  private table(entity: EntityTarget<unknown>): string {
    return quoteTablePath(this.dataSource.getMetadata(entity).tablePath);
  }
}
