import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { FieldError } from '@gmp/contracts';
import { BundlesService } from '../../../bundles/bundles.service.js';
import { MattersService } from '../../../matters/matters.service.js';
import { actionsFrom, stateNamed } from '../../../matters/workflow.js';
import { fieldProblem } from '../../application-check.js';
import { CaseProgressService } from '../../case-progress.service.js';
import { BizCase, BizCasePart } from '../../cases.entities.js';
import { CaseProblem } from '../../cases.problems.js';

export interface AnswerSendBackCommand {
  caseNo: string;
  matterCode: string;
  /** New values of the fields the department marked (by form field id). */
  form: Record<string, unknown>;
  /** New files of the materials the department marked. */
  materials: Record<string, { fileId: string }>;
  by: string;
}

/**
 * 补正: the applicant answers a department's send-back — every field and material it marked,
 * and nothing else, each checked like at submission (everything wrong answered at once). The
 * part takes the workflow's applicant step (e.g. 补正 → 审查中) with that step's clock, the marks
 * are cleared, and the case's form and materials hold the corrected values.
 */
@Injectable()
export class AnswerSendBack {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly bundles: BundlesService,
    private readonly matters: MattersService,
    private readonly progress: CaseProgressService,
  ) {}

  async execute(cmd: AnswerSendBackCommand): Promise<BizCase> {
    const c = await this.dataSource.getRepository(BizCase).findOneBy({ caseNo: cmd.caseNo });
    if (!c) throw CaseProblem.CASE_NOT_FOUND(cmd.caseNo);
    const part = await this.dataSource.getRepository(BizCasePart).findOneBy({ caseId: c.id, matterCode: cmd.matterCode });
    if (!part) throw CaseProblem.PART_NOT_FOUND(`${cmd.caseNo} ${cmd.matterCode}`);
    const bundle = await this.bundles.get(c.bundleCode, c.bundleVersion);
    const workflow = (await this.matters.definitionAt(part.matterCode, bundle.matterVersions[part.matterCode]!)).workflow;
    const state = part.workflowState ?? workflow.initial;
    const step = actionsFrom(workflow, state).find((a) => a.roles.includes('applicant'));
    if (part.status !== 'dispatched' || !step || !part.marks)
      throw CaseProblem.NOT_SENT_BACK(`「${part.matterName}」: ${part.status === 'dispatched' ? state : part.status}`);
    const marks = part.marks;
    const errors: FieldError[] = [];
    const fields = new Map(bundle.plan.form.map((f) => [f.id, f]));
    for (const id of Object.keys(cmd.form))
      if (!marks.fields.includes(id)) errors.push({ field: `form.${id}`, message: '未被要求补正 (not marked for correction)' });
    for (const code of Object.keys(cmd.materials))
      if (!marks.materials.includes(code)) errors.push({ field: `materials.${code}`, message: '未被要求补正 (not marked for correction)' });
    for (const id of marks.fields) {
      const value = cmd.form[id];
      if (value === undefined || value === null || value === '')
        errors.push({ field: `form.${id}`, message: '须补正 (marked: give the corrected value)' });
      else {
        const problem = fields.get(id) ? fieldProblem(fields.get(id)!, value) : null;
        if (problem) errors.push({ field: `form.${id}`, message: problem });
      }
    }
    for (const code of marks.materials) {
      const file = cmd.materials[code]?.fileId;
      if (typeof file !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(file))
        errors.push({ field: `materials.${code}`, message: '须补交 (marked: hand in the file id of the corrected material)' });
    }
    if (errors.length > 0) throw CaseProblem.CORRECTION_INCOMPLETE(`${errors.length} 处 (${errors.length} problem(s))`, errors);

    const { stateDueOn, stateWarnOn } = await this.progress.stepDues(stateNamed(workflow, step.to));
    // The part's clock stood still while the applicant corrected: its due day moves by the working days paused.
    const resumed = await this.progress.resumedDues(part, new Date(), false);
    return this.dataSource.transaction(async (m) => {
      const locked = (await m.getRepository(BizCase).findOne({ where: { id: c.id }, lock: { mode: 'pessimistic_write' } }))!;
      const moved = await m
        .createQueryBuilder()
        .update(BizCasePart)
        .set({
          workflowState: step.to,
          marks: null,
          stateDueOn,
          stateWarnOn,
          stateWarnedAt: null,
          stateBreachedAt: null,
          dueOn: resumed.dueOn,
          clockPausedAt: null,
          clockPauseReason: null,
          pausedWorkingDays: part.pausedWorkingDays + resumed.days,
        })
        .where(`id = :id AND status = 'dispatched' AND marks IS NOT NULL`, { id: part.id })
        .andWhere(part.workflowState === null ? 'workflow_state IS NULL' : 'workflow_state = :state', { state: part.workflowState })
        .execute();
      if (moved.affected !== 1) throw CaseProblem.NOT_SENT_BACK(`「${part.matterName}」`);
      locked.form = { ...locked.form, ...Object.fromEntries(marks.fields.map((id) => [id, cmd.form[id]])) };
      // A corrected field no longer holds the data platform's value: its provenance goes, and the case says it was typed.
      const corrected = marks.fields.filter((id) => locked.prefill?.sources[id]);
      if (locked.prefill && corrected.length > 0)
        locked.prefill = {
          sources: Object.fromEntries(Object.entries(locked.prefill.sources).filter(([id]) => !corrected.includes(id))),
          missed: [...locked.prefill.missed, ...corrected.map((field) => ({ field, reason: 'CORRECTED' }))],
        };
      locked.materials = locked.materials.map((x) =>
        marks.materials.includes(x.code) ? { ...x, status: 'uploaded' as const, fileId: cmd.materials[x.code]!.fileId } : x,
      );
      await m
        .getRepository(BizCase)
        .update({ id: c.id }, { form: locked.form as never, materials: locked.materials, prefill: locked.prefill as never });
      await this.progress.note(
        m,
        locked,
        'corrected',
        `「${part.matterName}」已${step.name}：${[...marks.fields, ...marks.materials].join('、')}${
          part.clockPausedAt ? `；补正期间暂停计时 ${resumed.days} 个工作日，承诺期限为 ${resumed.dueOn}` : ''
        }`,
        cmd.by,
        part.matterCode,
      );
      return locked;
    });
  }
}
