import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { subjectKeyOf } from '@gmp/contracts';
import { crossesRegions, isCitizenId, isCreditCode, regionName, todayInChina } from '@gmp/gov-standards';
import { OutboxService, WorkingDaysClient } from '@gmp/messaging';
import type { CryptoProvider } from '@gmp/gm-crypto';
import { CRYPTO_PROVIDER, ServiceConfig } from '@gmp/service-kit';
import { BundlesService } from '../../../bundles/bundles.service.js';
import { type ApplicationContent, checkApplication } from '../../application-check.js';
import { CaseProgressService, NEW_CASE_STATE } from '../../case-progress.service.js';
import { BizCase, BizCaseCommitment, type CaseMaterial, BizCasePart, BizCaseSupplement } from '../../cases.entities.js';
import { MattersService } from '../../../matters/matters.service.js';
import { type CommitmentCheck, formIdOf, type MatterDefinition } from '../../../matters/matter-definition.js';
import { BusinessConfig } from '../../../business.config.js';
import { CaseProblem } from '../../cases.problems.js';
import { APPLICANT_ID_LABEL } from '../../case-progress.service.js';
import { PrefillService } from '../../prefill.service.js';
import { ApplicantNotifier } from '../../applicant-notifier.service.js';

/** Working days the applicant has to supply a material accepted missing (容缺). */
export const SUPPLEMENT_DAYS = 5;
/** The applicant is reminded of an open supplement this many working days before its due day. */
export const SUPPLEMENT_REMIND_BEFORE = 2;

export interface SubmitApplicationCommand extends ApplicationContent {
  bundleCode: string;
  /** A given version (refused when retired), or the highest active one. */
  bundleVersion?: number;
  applicant: { id: string; name: string };
  /** Subjects of the form the applicant is (`mother` …), with the applicant's own ID: prefilled too; anyone else's ID is refused. */
  subjects?: Record<string, string>;
  /** 跨域办: 收件地 (default BUSINESS_HOME_REGION) and 送达地 (default the 收件地), GB/T 2260 codes. */
  acceptRegion?: string;
  deliveryRegion?: string;
  by: string;
  idempotencyKey?: string;
}

export interface SubmitApplicationResult {
  case: BizCase;
  /** True when this call created it; false when the same application under the same key was taken before. */
  created: boolean;
}

/** 跨域办 on the timeline: where the application was received, where it is handled and where the result goes — when they differ. */
function regionsNote(accept: string, delivery: string, handling: string[]): string {
  const elsewhere = [...new Set(handling.filter((r) => crossesRegions(r, accept)))];
  if (elsewhere.length === 0 && !crossesRegions(delivery, accept)) return '';
  const name = (code: string) => regionName(code) ?? code;
  return `（跨域办：收件地 ${name(accept)}${elsewhere.length > 0 ? `，办理地 ${elsewhere.map(name).join('、')}` : ''}，送达地 ${name(delivery)}）`;
}

function masked(id: string): string {
  return id.length === 18 ? `${id.slice(0, 6)}********${id.slice(-4)}` : `${id.slice(0, 2)}***`;
}

/**
 * 一次提交: one application for a whole bundle, checked against its plan with everything missing
 * or wrong answered at once (422), then stored — case, parts, 容缺 supplements, timeline — and
 * the parts without dependencies dispatched, all in one transaction before the answer. The
 * same Idempotency-Key with the same application answers the stored case; with another, 409.
 */
@Injectable()
export class SubmitApplication {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly bundles: BundlesService,
    private readonly progress: CaseProgressService,
    private readonly workingDays: WorkingDaysClient,
    private readonly outbox: OutboxService,
    private readonly config: ServiceConfig,
    private readonly settings: BusinessConfig,
    @Inject(CRYPTO_PROVIDER) private readonly crypto: CryptoProvider,
    private readonly prefill: PrefillService,
    private readonly matters: MattersService,
    private readonly notifier: ApplicantNotifier,
  ) {}

  async execute(cmd: SubmitApplicationCommand): Promise<SubmitApplicationResult> {
    const requestHash = createHash('sha256')
      .update(
        JSON.stringify([
          cmd.bundleCode,
          cmd.bundleVersion ?? null,
          cmd.applicant,
          cmd.form,
          cmd.materials,
          cmd.deferred,
          cmd.committed,
          cmd.commitmentSigned,
          cmd.subjects ?? {},
          // Only when given: a retry under the same key from before regions existed still matches.
          ...(cmd.acceptRegion || cmd.deliveryRegion ? [cmd.acceptRegion ?? null, cmd.deliveryRegion ?? null] : []),
        ]),
      )
      .digest('hex');
    if (cmd.idempotencyKey) {
      const before = await this.dataSource.getRepository(BizCase).findOneBy({ submittedBy: cmd.by, idempotencyKey: cmd.idempotencyKey });
      if (before) return this.replay(before, requestHash);
    }
    const bundle = await this.bundles.get(cmd.bundleCode, cmd.bundleVersion);
    if (bundle.status !== 'active') throw CaseProblem.BUNDLE_RETIRED(`${bundle.code} v${bundle.version}`);
    const plan = bundle.plan;
    const { errors, materials } = checkApplication(plan, cmd);
    if (Object.keys(cmd.subjects ?? {}).length > 20) errors.push({ field: 'subjects', message: '至多 20 个对象 (at most 20 subjects)' });
    else
      for (const [subject, id] of Object.entries(cmd.subjects ?? {})) {
        if (!plan.form.some((f) => f.subject === subject))
          errors.push({ field: `subjects.${subject}`, message: `该一件事的表单没有此对象 (the bundle's form is about no such subject)` });
        else if (typeof id !== 'string' || !(isCitizenId(id.toUpperCase()) || isCreditCode(id.toUpperCase())))
          errors.push({
            field: `subjects.${subject}`,
            message: '须为有效的公民身份号码或统一社会信用代码 (a valid ID number or credit code)',
          });
        // Only the applicant's own data is prefilled: another person's would be read on a number somebody typed.
        else if (id.toUpperCase() !== cmd.applicant.id.toUpperCase())
          errors.push({
            field: `subjects.${subject}`,
            message:
              '只能预填申请人本人的数据，他人的须本人授权 (only the applicant’s own data is prefilled; another person’s needs their authorisation)',
          });
      }
    const acceptRegion = cmd.acceptRegion ?? this.settings.BUSINESS_HOME_REGION;
    const deliveryRegion = cmd.deliveryRegion ?? acceptRegion;
    for (const [field, code] of [
      ['acceptRegion', acceptRegion],
      ['deliveryRegion', deliveryRegion],
    ] as const)
      if (!regionName(code))
        errors.push({ field, message: `未知的行政区划代码 (not a province-level division or a Jiangsu city, GB/T 2260): ${code}` });
    const idOk = plan.target === 'person' ? isCitizenId(cmd.applicant.id) : isCreditCode(cmd.applicant.id);
    if (!idOk)
      errors.unshift({
        field: 'applicant.id',
        message:
          plan.target === 'person'
            ? '须为有效的公民身份号码 (a valid citizen ID number)'
            : '须为有效的统一社会信用代码 (a valid credit code)',
      });
    if (errors.length > 0) throw CaseProblem.APPLICATION_INCOMPLETE(`${errors.length} 处 (${errors.length} problem(s))`, errors);

    const today = todayInChina(new Date());
    const due = await this.workingDays.deadline(today, Math.max(1, plan.criticalPath.committedDays));
    const deferred = materials.filter((x) => x.status === 'deferred');
    const supplementDue = deferred.length > 0 ? await this.workingDays.deadline(today, SUPPLEMENT_DAYS) : null;
    const remindOn = deferred.length > 0 ? await this.workingDays.deadline(today, SUPPLEMENT_DAYS - SUPPLEMENT_REMIND_BEFORE) : null;
    const schedule = await this.progress.scheduleFor(
      bundle,
      plan.matters.filter((x) => x.after.length === 0),
    );
    const regions = await this.progress.handlingRegions(bundle);
    // The case number first, so the data platform's records of the prefill name the case.
    const caseNo = await this.progress.nextCaseNo(this.dataSource.manager, today);
    const subjects = Object.fromEntries(
      // A company bundle's applicant is the company: its fields (subject `company`, the default there) are the applicant's own.
      Object.entries({
        ...(cmd.subjects ?? {}),
        applicant: cmd.applicant.id,
        ...(plan.target === 'company' ? { company: cmd.applicant.id } : {}),
      }).map(([k, v]) => [k, v.toUpperCase()]),
    );
    const prefilled = await this.prefill.prefill(plan, subjects, { caseNo, purpose: bundle.name });
    // A required field the data platform could not fill must have been typed: asked at once, nothing stored.
    const unfilled = plan.form.filter(
      (f) => f.required && f.source === 'prefill' && (cmd.form[f.id] ?? prefilled.values[f.id] ?? null) === null,
    );
    if (unfilled.length > 0)
      throw CaseProblem.APPLICATION_INCOMPLETE(
        `${unfilled.length} 处 (${unfilled.length} problem(s))`,
        unfilled.map((f) => ({
          field: `form.${f.id}`,
          message: `必填，未能预填，请填写 (required: the data platform could not fill it — ${prefilled.missed.find((x) => x.field === f.id)?.reason ?? 'NO_VALUE'}): ${f.name}`,
        })),
      );
    const commitments = await this.commitmentsOf(bundle, materials);
    try {
      const stored = await this.dataSource.transaction(async (m) => {
        const id = randomUUID();
        const c: BizCase = {
          ...NEW_CASE_STATE,
          id,
          caseNo,
          bundleCode: bundle.code,
          bundleVersion: bundle.version,
          applicantKey: subjectKeyOf(cmd.applicant.id.toUpperCase(), this.config.SUBJECT_KEY_SECRET),
          applicantMasked: masked(cmd.applicant.id.toUpperCase()),
          applicantName: cmd.applicant.name.slice(0, 64),
          submittedBy: cmd.by.slice(0, 128),
          idempotencyKey: cmd.idempotencyKey ?? null,
          requestHash,
          // Verified values from the data platform stand over what was typed for the same field.
          form: { ...cmd.form, ...prefilled.values },
          prefill: { sources: prefilled.sources, missed: prefilled.missed },
          materials,
          commitmentSigned: cmd.commitmentSigned,
          committedDueOn: due.due,
          provisional: due.provisional,
          submittedAt: new Date(),
          applicantIdEnc: this.crypto.encrypt(APPLICANT_ID_LABEL, cmd.applicant.id.toUpperCase(), id),
          acceptRegion,
          deliveryRegion,
        };
        await m.getRepository(BizCase).insert(c as QueryDeepPartialEntity<BizCase>);
        const parts = this.progress.newParts(c.id, plan, regions);
        await m.getRepository(BizCasePart).insert(parts);
        if (supplementDue)
          await m.getRepository(BizCaseSupplement).insert(
            deferred.map((x) => ({
              id: randomUUID(),
              caseId: c.id,
              materialCode: x.code,
              materialName: x.name,
              dueOn: supplementDue.due,
              remindOn: remindOn!.due,
              remindedAt: null,
              status: 'open' as const,
              fileId: null,
              suppliedAt: null,
            })),
          );
        if (commitments.length > 0) await m.getRepository(BizCaseCommitment).insert(commitments.map((x) => ({ ...x, caseId: c.id })));
        await this.progress.note(
          m,
          c,
          'submitted',
          `已受理「${bundle.name}」，一号 ${c.caseNo}，承诺 ${due.due} 前办结${regionsNote(acceptRegion, deliveryRegion, [...regions.values()])}`,
          c.submittedBy,
        );
        const filled = Object.keys(prefilled.sources).length;
        if (filled > 0 || prefilled.missed.length > 0)
          await this.progress.note(
            m,
            c,
            'prefilled',
            `免填写：${filled} 项取自 ${[...new Set(Object.values(prefilled.sources).map((x) => x.resourceName))].join('、') || '—'}${prefilled.missed.length > 0 ? `；${prefilled.missed.length} 项未能预填` : ''}`,
            'business-platform',
          );
        for (const x of deferred)
          await this.progress.note(m, c, 'deferred', `容缺受理：「${x.name}」须于 ${supplementDue!.due} 前补齐`, c.submittedBy);
        for (const x of materials.filter((y) => y.status === 'committed'))
          await this.progress.note(m, c, 'committed', `告知承诺：「${x.name}」以承诺代替，办结后核查`, c.submittedBy);
        await this.progress.advance(m, c, parts, plan, schedule, c.submittedBy);
        this.outbox.wake();
        return { case: c, created: true };
      });
      // The applicant is told of the acceptance and the committed day (after the commit, not waited for).
      void this.notifier.accepted(stored.case, bundle.name);
      return stored;
    } catch (err) {
      // Two submissions with one key at once: the loser answers what the winner stored.
      if (cmd.idempotencyKey && (err as { code?: string }).code === '23505') {
        const before = await this.dataSource.getRepository(BizCase).findOneBy({ submittedBy: cmd.by, idempotencyKey: cmd.idempotencyKey });
        if (before) return this.replay(before, requestHash);
      }
      throw err;
    }
  }

  /**
   * 告知承诺: each committed material, for each matter of the bundle that takes it, to be verified
   * after delivery — by the matter's data check, or by its department's inspection.
   */
  private async commitmentsOf(bundle: { matterVersions: Record<string, number> }, materials: CaseMaterial[]) {
    const rows: Omit<BizCaseCommitment, 'caseId'>[] = [];
    for (const x of materials.filter((y) => y.status === 'committed'))
      for (const code of x.matters) {
        const definition = await this.matters.definitionAt(code, bundle.matterVersions[code]!);
        const material = definition.materials.find((y) => y.code === x.code);
        if (!material?.commitment) continue;
        rows.push({
          id: randomUUID(),
          matterCode: code,
          department: definition.department,
          materialCode: x.code,
          materialName: x.name,
          method: material.verify ? 'data-check' : 'inspection',
          checkSpec: material.verify ? checkSpecOf(code, definition, material.verify) : null,
          afterDays: material.verify?.afterDays ?? 0,
          status: 'pending',
          attempts: 0,
          nextTryAt: null,
          lastError: null,
          checkedAt: null,
          decidedBy: null,
          decidedAt: null,
          reason: null,
          revocationDoneAt: null,
        });
      }
    return rows;
  }

  private replay(before: BizCase, requestHash: string): SubmitApplicationResult {
    if (before.requestHash !== requestHash) throw CaseProblem.IDEMPOTENCY_KEY_REUSED(before.caseNo);
    return { case: before, created: false };
  }
}

/** A material's check as a case keeps it: the fields it matches on named by the case form's ids. */
function checkSpecOf(
  matterCode: string,
  definition: MatterDefinition,
  verify: CommitmentCheck,
): NonNullable<BizCaseCommitment['checkSpec']> {
  const fields = new Map(definition.fields.map((f) => [f.key, f]));
  const fromForm = Object.fromEntries(
    Object.entries(verify.fields ?? {}).flatMap(([item, key]) => {
      const f = fields.get(key);
      return f
        ? [
            [
              item,
              formIdOf(matterCode, {
                subject: f.subject ?? (definition.target === 'company' ? 'company' : 'applicant'),
                element: f.element,
                key: f.key,
              }),
            ],
          ]
        : [];
    }),
  );
  return {
    resource: verify.resource,
    ...(verify.equals ? { equals: verify.equals } : {}),
    ...(Object.keys(fromForm).length > 0 ? { fromForm } : {}),
  };
}
