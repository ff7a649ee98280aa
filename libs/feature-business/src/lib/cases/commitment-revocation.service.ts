import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type DataRecordPublishedEvent, Topic } from '@gmp/contracts';
import type { CryptoProvider } from '@gmp/gm-crypto';
import { isCitizenId, todayInChina } from '@gmp/gov-standards';
import { CapabilityClient, describeError, OutboxService, ProviderError } from '@gmp/messaging';
import { CRYPTO_PROVIDER } from '@gmp/service-kit';
import { BusinessConfig } from '../business.config.js';
import { APPLICANT_ID_LABEL, CaseProgressService, caseCallMeta } from './case-progress.service.js';
import { type BizCase, BizCaseCommitment, BizCaseOutput } from './cases.entities.js';

/** The credit library's resource of broken commitments (告知承诺失信记录), written by the business platform. */
export const BROKEN_COMMITMENTS_RESOURCE = 'JS-ZWB-XY-0002';

const TIMEOUT_MS = 10_000;

/**
 * What a broken commitment sets off (告知承诺不实): in the deciding transaction, the
 * broken-commitment record for the credit library (through the outbox: it reaches the data
 * platform once committed, applied once under the commitment's id) and the timeline; after it
 * commits, the e-licences the platform issued for the matter are revoked through
 * tech-capabilities, retried by the commitment sweep until done.
 */
@Injectable()
export class CommitmentRevocation {
  private readonly log = new Logger('CommitmentRevocation');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly progress: CaseProgressService,
    private readonly capabilities: CapabilityClient,
    private readonly outbox: OutboxService,
    private readonly settings: BusinessConfig,
    @Inject(CRYPTO_PROVIDER) private readonly crypto: CryptoProvider,
  ) {}

  /** In the transaction that found the commitment broken: the credit record and the timeline. */
  async open(m: EntityManager, c: BizCase, row: BizCaseCommitment, reason: string, by: string, now: Date): Promise<void> {
    if (!c.applicantIdEnc) throw new Error(`办件 ${c.caseNo} 未留存申请人证件号 (the case keeps no applicant ID)`);
    const applicantId = this.crypto.decrypt(APPLICANT_ID_LABEL, c.applicantIdEnc, c.id).toString('utf8');
    const event: DataRecordPublishedEvent = {
      eventId: row.id,
      resourceCode: BROKEN_COMMITMENTS_RESOURCE,
      department: this.settings.BUSINESS_CREDIT_DEPARTMENT,
      updatedAt: now.toISOString(),
      record: {
        // One record per case, matter and material (the same material may be committed for two matters).
        jlbh: `${c.caseNo}-${row.matterCode}-${row.materialCode}`,
        ...(isCitizenId(applicantId) ? { sfzh: applicantId } : { tyshxydm: applicantId }),
        dsrmc: c.applicantName,
        bjbh: c.caseNo,
        sxbm: row.matterCode,
        clmc: row.materialName,
        cnrq: todayInChina(c.submittedAt),
        rdrq: todayInChina(now),
        rdbm: row.department,
        sxyy: reason.slice(0, 500),
      },
    };
    await this.outbox.enqueue(m, Topic.DataRecordPublished, c.caseNo, event);
    await this.progress.note(
      m,
      c,
      'commitment-broken',
      `告知承诺不实：「${row.materialName}」经${row.department}认定未履行承诺（${reason}），撤销该事项的办理结果，并记入信用记录`,
      by,
      row.matterCode,
    );
  }

  /**
   * Revokes every e-licence the platform issued for the commitment's matter in its case (one
   * already revoked counts as done); answers whether all are. A failure is left for the sweep.
   */
  async finish(row: BizCaseCommitment, c: BizCase): Promise<boolean> {
    const outputs = await this.dataSource.getRepository(BizCaseOutput).findBy({ caseId: row.caseId, matterCode: row.matterCode });
    const revoked: string[] = [];
    for (const o of outputs) {
      try {
        await this.capabilities.request(
          Topic.LicenceChange,
          o.licenceId,
          {
            meta: caseCallMeta(c.caseNo, '告知承诺不实，撤销办理结果 (a broken commitment: the result is revoked)'),
            input: {
              licenceId: o.licenceId,
              action: 'revoke',
              text: `告知承诺不实：${row.materialName}（办件 ${c.caseNo}）`.slice(0, 512),
            },
          },
          TIMEOUT_MS,
        );
        revoked.push(o.name);
      } catch (err) {
        if (err instanceof ProviderError && err.error?.reason === 'ALREADY_REVOKED') continue;
        this.log.warn(`撤销证照未完成，稍后重试 (licence revocation to retry) ${c.caseNo} ${o.licenceId}: ${describeError(err)}`);
        // Backoff from a minute doubling to a day; the attempts and the error show in the back office.
        const minutes = Math.min(24 * 60, 2 ** Math.min(row.attempts, 11));
        await this.dataSource
          .getRepository(BizCaseCommitment)
          .update(
            { id: row.id },
            { lastError: describeError(err).slice(0, 500), attempts: row.attempts + 1, nextTryAt: new Date(Date.now() + minutes * 60_000) },
          );
        return false;
      }
    }
    await this.dataSource.transaction(async (m) => {
      const done = await m
        .getRepository(BizCaseCommitment)
        .createQueryBuilder()
        .update()
        .set({ revocationDoneAt: new Date(), lastError: null })
        .where('id = :id AND revocation_done_at IS NULL', { id: row.id })
        .execute();
      if (done.affected === 1)
        await this.progress.note(
          m,
          c,
          'licence-revoked',
          outputs.length > 0
            ? `已撤销电子证照：${outputs.map((o) => `「${o.name}」`).join('')}`
            : `该事项的办理结果由${row.department}自行撤销 (the department revokes the result it issued itself)`,
          'business-platform',
          row.matterCode,
        );
    });
    if (revoked.length > 0) this.log.log(`告知承诺不实，证照已撤销 (licences revoked) ${c.caseNo}: ${revoked.length}`);
    return true;
  }
}
