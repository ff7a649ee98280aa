import { Injectable, Logger } from '@nestjs/common';
import { type SendNotificationInput, Topic } from '@gmp/contracts';
import { CapabilityClient, describeError } from '@gmp/messaging';
import { applicantPhone, caseCallMeta } from './case-progress.service.js';
import type { BizCase } from './cases.entities.js';
import { BundlesService } from '../bundles/bundles.service.js';

const TIMEOUT_MS = 10_000;

/**
 * Tells the applicant of the steps that ask something of them or promise them a day —
 * acceptance with the committed due day, a send-back with what to correct, a 容缺 supplement soon
 * due — by SMS to the phone their form gave (数据元 DE00007) and in their inbox (站内信, addressed
 * by their subject key: it shows once they sign in, account or not when it was sent). After the
 * step committed, best effort (the timeline has it either way), once per step and channel (the
 * notification's dedupKey).
 */
@Injectable()
export class ApplicantNotifier {
  private readonly log = new Logger('ApplicantNotifier');

  constructor(
    private readonly capabilities: CapabilityClient,
    private readonly bundles: BundlesService,
  ) {}

  accepted(c: BizCase, bundleName: string): Promise<void> {
    return this.send(c, 'case-accepted', { matter: bundleName, caseNo: c.caseNo, dueDate: c.committedDueOn }, `${c.caseNo}:accepted`);
  }

  sentBack(c: BizCase, matterName: string, items: string[], step: string): Promise<void> {
    return this.send(
      c,
      'materials-needed',
      { matter: matterName, caseNo: c.caseNo, materials: items.join('、') || '见办件详情' },
      `${c.caseNo}:sent-back:${step}`,
    );
  }

  /** 容缺: two working days before a supplement's due day. */
  reminded(c: BizCase, supplement: { id: string; materialName: string; dueOn: string }): Promise<void> {
    return this.send(
      c,
      'materials-needed',
      { matter: `容缺补正（${supplement.dueOn} 前）`, caseNo: c.caseNo, materials: supplement.materialName },
      `supplement-reminder:${supplement.id}`,
    );
  }

  private async send(c: BizCase, template: string, params: Record<string, string>, dedupKey: string): Promise<void> {
    const phone = applicantPhone(c.form);
    const plain = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v.replace(/\s+/g, ' ').slice(0, 64)]));
    const bundle = await this.bundles.get(c.bundleCode, c.bundleVersion).catch(() => null);
    const messages = applicantMessages(c, bundle?.plan.target ?? 'person', phone, template, plain, dedupKey);
    // At once, each on its own (a sweep reminding many applicants is not held up by one slow channel).
    await Promise.all(
      messages.map(async (input) => {
        try {
          await this.capabilities.request(Topic.NotificationSend, null, { meta: caseCallMeta(c.caseNo), input }, TIMEOUT_MS);
        } catch (err) {
          this.log.warn(`通知未发出 (notification not sent) ${c.caseNo} ${template} ${input.channel}: ${describeError(err)}`);
        }
      }),
    );
  }
}

/**
 * The notifications of one step for the applicant: an SMS when the form gave a phone, and — for a
 * person (a company's key opens no inbox) — an in-app message by subject key; each with its own
 * dedupKey (the SMS's unchanged).
 */
export function applicantMessages(
  c: BizCase,
  target: 'person' | 'company',
  phone: string | undefined,
  template: string,
  params: Record<string, string>,
  dedupKey: string,
): SendNotificationInput[] {
  return [
    ...(phone ? [{ channel: 'sms' as const, to: phone, template, params, dedupKey: dedupKey.slice(0, 128) }] : []),
    ...(target === 'person'
      ? [{ channel: 'in-app' as const, to: `subject:${c.applicantKey}`, template, params, dedupKey: `${dedupKey.slice(0, 120)}:in-app` }]
      : []),
  ];
}
