import { Injectable, Logger } from '@nestjs/common';
import { DataPrefillReply, Topic, validateMessage } from '@gmp/contracts';
import { CapabilityClient, describeError } from '@gmp/messaging';
import type { BundlePlan } from '../bundles/bundle.compiler.js';
import { caseCallMeta } from './case-progress.service.js';

const TIMEOUT_MS = 5_000;

/** Where a prefilled value of a case's form comes from (数据来源). */
export interface PrefillSource {
  resourceCode: string;
  resourceName: string;
  department: string;
  updatedAt: string;
}

export interface PrefillOutcome {
  /** Values by form field id. */
  values: Record<string, unknown>;
  sources: Record<string, PrefillSource>;
  /** Fields the data platform could not fill, with its reason (NO_GRANT, NO_RECORD, NO_VALUE, NO_SUBJECT, UNAVAILABLE). */
  missed: { field: string; reason: string }[];
}

/**
 * 免填写 at submission: for each field of the plan the data platform holds (`prefill`), the value
 * from `data.shared.prefill.v1` for the person or company the field is about — the applicant, and
 * the subjects the application says the applicant is (`subjects`, e.g. the mother of a newborn;
 * SubmitApplication refuses anyone else's number) — under the business platform's own approved
 * grants; each read is in that person's "who used my data". Masked values are not used. When the data platform does not
 * answer, the application goes on with what was typed (the timeline says so).
 */
@Injectable()
export class PrefillService {
  private readonly log = new Logger('Prefill');

  constructor(private readonly capabilities: CapabilityClient) {}

  async prefill(plan: BundlePlan, subjects: Record<string, string>, why: { caseNo: string; purpose: string }): Promise<PrefillOutcome> {
    const outcome: PrefillOutcome = { values: {}, sources: {}, missed: [] };
    const bySubject = new Map<string, { id: string; element: string }[]>();
    for (const f of plan.form) {
      if (f.source !== 'prefill' || !f.element) continue;
      const subjectId = subjects[f.subject];
      if (!subjectId) {
        outcome.missed.push({ field: f.id, reason: 'NO_SUBJECT' });
        continue;
      }
      bySubject.set(subjectId, [...(bySubject.get(subjectId) ?? []), { id: f.id, element: f.element }]);
    }
    for (const [subjectId, fields] of bySubject) {
      let reply: DataPrefillReply;
      try {
        const raw = await this.capabilities.request(
          Topic.DataPrefill,
          null, // no plain ID number as a Kafka key (keys end up in logs and tools)
          {
            meta: caseCallMeta(why.caseNo, why.purpose),
            input: { subjectId, dataElements: [...new Set(fields.map((f) => f.element))].slice(0, 100) },
          },
          TIMEOUT_MS,
        );
        const checked = validateMessage(DataPrefillReply, raw);
        if (!checked.ok) throw new Error(`应答不合规 (a malformed answer): ${JSON.stringify(checked.errors).slice(0, 200)}`);
        reply = checked.value;
      } catch (err) {
        this.log.warn(`数据中台预填未应答 (prefill unavailable): ${describeError(err)}`);
        for (const f of fields) outcome.missed.push({ field: f.id, reason: 'UNAVAILABLE' });
        continue;
      }
      for (const f of fields) {
        const got = reply.fields.find((x) => x.dataElement === f.element);
        if (!got || got.masked || got.fieldValue === undefined || got.fieldValue === null) {
          outcome.missed.push({
            field: f.id,
            reason: got?.masked ? 'MASKED' : (reply.refused.find((x) => x.dataElement === f.element)?.reason ?? 'NO_VALUE'),
          });
          continue;
        }
        outcome.values[f.id] = got.fieldValue;
        const p = got.provenance;
        outcome.sources[f.id] = {
          resourceCode: p.resourceCode,
          resourceName: p.resourceName,
          department: p.department,
          updatedAt: p.updatedAt,
        };
      }
    }
    return outcome;
  }
}
