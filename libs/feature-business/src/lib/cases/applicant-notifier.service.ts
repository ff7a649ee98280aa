import { Injectable, Logger } from '@nestjs/common';
import { Topic } from '@gmp/contracts';
import { CapabilityClient, describeError } from '@gmp/messaging';
import { applicantPhone, caseCallMeta } from './case-progress.service.js';
import type { BizCase } from './cases.entities.js';

const TIMEOUT_MS = 10_000;

/**
 * Tells the applicant, by SMS to the phone their form gave (数据元 DE00007), of the steps that
 * ask something of them or promise them a day: acceptance with the committed due day, and a
 * send-back with what to correct, a 容缺 supplement soon due. After the step committed, best effort (the timeline has it
 * either way), once per step (the notification's dedupKey).
 */
@Injectable()
export class ApplicantNotifier {
  private readonly log = new Logger('ApplicantNotifier');

  constructor(private readonly capabilities: CapabilityClient) {}

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
    if (!phone) return;
    try {
      await this.capabilities.request(
        Topic.NotificationSend,
        null,
        {
          meta: caseCallMeta(c.caseNo),
          input: {
            channel: 'sms',
            to: phone,
            template,
            params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v.replace(/\s+/g, ' ').slice(0, 64)])),
            dedupKey: dedupKey.slice(0, 128),
          },
        },
        TIMEOUT_MS,
      );
    } catch (err) {
      this.log.warn(`短信未发出 (SMS not sent) ${c.caseNo} ${template}: ${describeError(err)}`);
    }
  }
}
