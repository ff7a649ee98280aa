import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, In, Not, IsNull } from 'typeorm';
import { todayInChina } from '@gmp/gov-standards';
import { WorkingDaysClient } from '@gmp/messaging';
import type { BundlePlan } from '../../../bundles/bundle.compiler.js';
import { BundlesService } from '../../../bundles/bundles.service.js';
import { BizCase, BizCaseSupplement } from '../../../cases/cases.entities.js';

/** At most this many of a bundle's latest settled cases are measured. */
const CASES_MEASURED = 500;

export interface BundleOutcomes {
  bundleCode: string;
  bundleVersion: number;
  name: string;
  /** 四减 from the catalogue: the matters one by one, and as this bundle (the compiler's figures). */
  catalogue: BundlePlan['reduction'] & {
    /** The bundle's form: fields the data platform holds (prefill) and those the applicant types. */
    form: { fields: number; prefillable: number; prefillableShare: number };
    /** The bundle's materials: to hand in, and exempt (produced by the bundle, proven by a licence or shared data). */
    materialsToUpload: number;
    materialsExempt: number;
  };
  /** From real cases of the bundle (settled, the latest CASES_MEASURED): what applicants lived through. */
  cases: {
    measured: number;
    elapsedWorkingDays: { p50: number | null; max: number | null; mean: number | null };
    materialsUploaded: { mean: number | null; max: number | null; zeroShare: number | null };
    fieldsTyped: { mean: number | null };
    fieldsPrefilledShare: { mean: number | null };
    /** Some elapsed days were counted by the weekday rule alone (the calendar did not answer). */
    provisional: boolean;
  };
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const mean = (xs: number[]) => (xs.length ? round(xs.reduce((a, b) => a + b, 0) / xs.length) : null);
const median = (xs: number[]) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : round((s[mid - 1]! + s[mid]!) / 2);
};

/**
 * 四减, computed: for a bundle, the catalogue's figures (steps, materials, fields, visits and
 * committed working days, separately versus as the bundle, after exemptions and prefill), and
 * what real cases show — elapsed working days from submission to settlement (the platform's
 * calendar), materials actually handed in (at submission, 补正 and 容缺 supplements), fields
 * actually typed and the share the data platform filled.
 */
@Injectable()
export class ComputeOutcomes {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly bundles: BundlesService,
    private readonly workingDays: WorkingDaysClient,
  ) {}

  async execute(bundleCode: string): Promise<BundleOutcomes> {
    const bundle = await this.bundles.get(bundleCode);
    const plan = bundle.plan;
    const prefillable = plan.form.filter((f) => f.source === 'prefill').length;
    const cases = await this.dataSource.getRepository(BizCase).find({
      where: { bundleCode, finishedAt: Not(IsNull()), status: Not(In(['withdrawn'])) },
      order: { finishedAt: 'DESC' },
      take: CASES_MEASURED,
    });
    const supplied = cases.length
      ? await this.dataSource.getRepository(BizCaseSupplement).findBy({ caseId: In(cases.map((c) => c.id)), status: 'supplied' })
      : [];
    // The calendar asked once per distinct pair of days.
    const spans = new Map<string, Promise<{ workingDays: number; provisional: boolean }>>();
    const elapsed = await Promise.all(
      cases.map((c) => {
        const key = `${todayInChina(c.submittedAt)}|${todayInChina(c.finishedAt!)}`;
        if (!spans.has(key)) spans.set(key, this.workingDays.count(todayInChina(c.submittedAt), todayInChina(c.finishedAt!)));
        return spans.get(key)!;
      }),
    );
    const uploaded = cases.map(
      (c) => c.materials.filter((x) => x.status === 'uploaded').length + supplied.filter((s) => s.caseId === c.id).length,
    );
    const fields = plan.form.length;
    const prefilled = cases.map((c) => Object.keys(c.prefill?.sources ?? {}).length);
    return {
      bundleCode: bundle.code,
      bundleVersion: bundle.version,
      name: plan.name,
      catalogue: {
        ...plan.reduction,
        form: { fields, prefillable, prefillableShare: fields ? round(prefillable / fields) : 0 },
        materialsToUpload: plan.materials.filter((x) => x.status === 'upload').length,
        materialsExempt: plan.materials.filter((x) => x.status !== 'upload').length,
      },
      cases: {
        measured: cases.length,
        elapsedWorkingDays: {
          p50: median(elapsed.map((e) => e.workingDays)),
          max: elapsed.length ? Math.max(...elapsed.map((e) => e.workingDays)) : null,
          mean: mean(elapsed.map((e) => e.workingDays)),
        },
        materialsUploaded: {
          mean: mean(uploaded),
          max: uploaded.length ? Math.max(...uploaded) : null,
          zeroShare: uploaded.length ? round(uploaded.filter((n) => n === 0).length / uploaded.length) : null,
        },
        fieldsTyped: { mean: mean(prefilled.map((p) => fields - p)) },
        fieldsPrefilledShare: { mean: fields ? mean(prefilled.map((p) => p / fields)) : null },
        provisional: elapsed.some((e) => e.provisional),
      },
    };
  }
}
