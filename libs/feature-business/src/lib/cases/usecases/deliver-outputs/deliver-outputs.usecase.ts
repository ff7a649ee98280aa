import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, IsNull } from 'typeorm';
import { ArchiveDepositReply, LicenceIssueReply, SendNotificationReply, Topic, validateMessage } from '@gmp/contracts';
import type { CryptoProvider } from '@gmp/gm-crypto';
import { CapabilityClient, describeError, preparedQuery, ProviderError, quoteTablePath } from '@gmp/messaging';
import { CRYPTO_PROVIDER } from '@gmp/service-kit';
import { BundlesService } from '../../../bundles/bundles.service.js';
import { formIdOf } from '../../../matters/matter-definition.js';
import { MattersService } from '../../../matters/matters.service.js';
import { applicantMessages } from '../../applicant-notifier.service.js';
import { APPLICANT_ID_LABEL, applicantPhone, CaseProgressService } from '../../case-progress.service.js';
import { BizCase, BizCaseEvent, BizCaseOutput, BizCasePart } from '../../cases.entities.js';
import { archiveEntries } from './case-archive.js';

const EVERY_MS = 2_000;
/** Cases leased and delivered at once by one instance (each waits mostly on tech-capabilities): every leased case starts at once. */
const BATCH = 16;
const PARALLEL = BATCH;
/** Longer than the three calls of one delivery at their timeouts (3 × 30 s), so a lease does not run out mid-delivery. */
const LEASE_SECONDS = 300;
const MAX_ATTEMPTS = 8;
const CALL_TIMEOUT_MS = 30_000;

/**
 * 一窗出件: when every part of a case is settled, its outputs are delivered together — each output
 * that names a licence type and a seal is issued as an e-licence by tech-capabilities and sealed
 * with the department's seal (issue key `<caseNo>:<matter>:<output>`, so a retry never issues a
 * second licence), the case is archived as one package (application, decisions, licences,
 * timeline), and the applicant is told by SMS when the form gave a phone number.
 *
 * Pending cases are kept in PostgreSQL and leased by `UPDATE … SKIP LOCKED` (instances share the
 * work; a crashed instance's lease runs out and another takes over). No transaction stays open
 * across a call to another service. A failing case is retried with backoff, and after
 * MAX_ATTEMPTS marked `failed` with the error on its timeline for an operator.
 */
@Injectable()
export class DeliverOutputs implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('DeliverOutputs');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly bundles: BundlesService,
    private readonly matters: MattersService,
    private readonly progress: CaseProgressService,
    private readonly capabilities: CapabilityClient,
    @Inject(CRYPTO_PROVIDER) private readonly crypto: CryptoProvider,
  ) {}

  onApplicationBootstrap(): void {
    this.progress.deliveryWanted = () => setTimeout(() => this.wake(), 50).unref();
    this.timer = setInterval(() => this.wake(), EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Runs a pass now (or right after the current one). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          while ((await this.execute()) === BATCH && !this.stopped);
        } catch (err) {
          this.log.warn(`出件扫描失败 (delivery pass failed): ${describeError(err)}`);
        }
      } while (this.again && !this.stopped);
    })().finally(() => (this.running = null));
  }

  /** Leases up to BATCH pending cases and delivers each; answers how many were leased. */
  async execute(): Promise<number> {
    const table = quoteTablePath(this.dataSource.getMetadata(BizCase).tablePath);
    const rows = await preparedQuery<{ id: string }>(
      this.dataSource,
      'business-delivery-claim',
      `UPDATE ${table} SET delivery_lease_until = now() + make_interval(secs => $1), delivery_attempts = delivery_attempts + 1
        WHERE id IN (SELECT id FROM ${table}
                      WHERE delivery_status = 'pending' AND (delivery_lease_until IS NULL OR delivery_lease_until < now())
                      ORDER BY delivery_lease_until NULLS FIRST LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING id`,
      [LEASE_SECONDS, BATCH],
    );
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL, rows.length) }, async () => {
        for (let i = next++; i < rows.length; i = next++) await this.deliverOne(rows[i]!.id);
      }),
    );
    return rows.length;
  }

  private async deliverOne(id: string): Promise<void> {
    const c = await this.dataSource.getRepository(BizCase).findOneBy({ id });
    if (!c || c.deliveryStatus !== 'pending') return;
    try {
      await this.deliver(c);
    } catch (err) {
      const reason = describeError(err).slice(0, 450);
      const failed = c.deliveryAttempts >= MAX_ATTEMPTS;
      const backoff = Math.min(600, 5 * 2 ** Math.max(0, c.deliveryAttempts - 1));
      this.log.warn(`办件 ${c.caseNo} 出件失败 (delivery failed, attempt ${c.deliveryAttempts}): ${reason}`);
      await this.dataSource.transaction(async (m) => {
        await m.getRepository(BizCase).update(
          { id: c.id, deliveryStatus: 'pending' },
          {
            deliveryError: reason,
            deliveryStatus: failed ? 'failed' : 'pending',
            deliveryLeaseUntil: failed ? null : new Date(Date.now() + backoff * 1000),
          },
        );
        if (failed)
          await this.progress.note(
            m,
            c,
            'delivery-failed',
            `结果送达失败，已转人工处理 (delivery failed; an operator will follow up): ${reason}`,
            'business-platform',
          );
      });
    }
  }

  private async deliver(c: BizCase): Promise<void> {
    const bundle = await this.bundles.get(c.bundleCode, c.bundleVersion);
    const parts = await this.dataSource
      .getRepository(BizCasePart)
      .find({ where: { caseId: c.id }, order: { stage: 'ASC', matterCode: 'ASC' } });
    const issued = new Map(
      (await this.dataSource.getRepository(BizCaseOutput).findBy({ caseId: c.id })).map((o) => [`${o.matterCode}:${o.outputCode}`, o]),
    );
    const holderId = c.applicantIdEnc ? this.crypto.decrypt(APPLICANT_ID_LABEL, c.applicantIdEnc, c.id).toString('utf8') : null;
    for (const part of parts.filter((p) => p.status === 'approved')) {
      const definition = await this.matters.definitionAt(part.matterCode, bundle.matterVersions[part.matterCode]!);
      for (const output of definition.outputs) {
        if (!output.licenceType || !output.seal || issued.has(`${part.matterCode}:${output.code}`)) continue;
        if (!holderId) throw new Error(`办件无申请人证件号，不能签发 (no applicant ID kept for the case): ${output.name}`);
        const data: Record<string, string> = {};
        for (const [item, key] of Object.entries(output.data ?? {})) {
          const field = definition.fields.find((f) => f.key === key);
          const value = field ? c.form[formIdOf(part.matterCode, field)] : undefined;
          if (value !== undefined && value !== null && value !== '') data[item] = String(value);
        }
        const reply = this.checked(
          LicenceIssueReply,
          await this.call(Topic.LicenceIssue, {
            typeCode: output.licenceType,
            holderType: bundle.plan.target,
            holderId,
            holderName: c.applicantName,
            data,
            sealId: output.seal,
            issueKey: `${c.caseNo}:${part.matterCode}:${output.code}`,
          }),
        );
        const row: BizCaseOutput = {
          caseId: c.id,
          matterCode: part.matterCode,
          outputCode: output.code,
          name: output.name,
          licenceType: output.licenceType,
          licenceId: reply.licenceId,
          number: reply.number.slice(0, 64),
          issuedAt: new Date(),
        };
        await this.dataSource.getRepository(BizCaseOutput).createQueryBuilder().insert().values(row).orIgnore().execute();
        issued.set(`${part.matterCode}:${output.code}`, row);
      }
    }
    const outputs = [...issued.values()];
    if (!c.archivePackageId) {
      const packageId = await this.archive(c, bundle.plan.name, parts, outputs);
      // Only where none is kept: an "already archived" answer never overwrites the real package id.
      await this.dataSource.getRepository(BizCase).update({ id: c.id, archivePackageId: IsNull() }, { archivePackageId: packageId });
      c.archivePackageId = (await this.dataSource.getRepository(BizCase).findOneBy({ id: c.id }))?.archivePackageId ?? packageId;
    }
    const phone = applicantPhone(c.form);
    const result =
      c.status === 'completed'
        ? outputs.length > 0
          ? `已签发${outputs.map((o) => o.name).join('、')}`
          : '全部办结'
        : '部分事项未获办理，详见办件进度';
    // An SMS (when the form gave a phone) and the applicant's inbox; a delivery retried after one was accepted does not send it again.
    // The SMS is part of delivery (retried until accepted); the inbox message is best effort.
    for (const input of applicantMessages(
      c,
      bundle.plan.target,
      phone,
      'case-completed',
      { matter: bundle.plan.name.slice(0, 64), caseNo: c.caseNo, result: result.slice(0, 64) },
      `${c.caseNo}:case-completed`,
    )) {
      if (input.channel === 'sms') this.checked(SendNotificationReply, await this.call(Topic.NotificationSend, input));
      else
        await this.call(Topic.NotificationSend, input).catch((err: unknown) =>
          this.log.warn(`站内信未发出 (in-app message not sent) ${c.caseNo}: ${describeError(err)}`),
        );
    }
    await this.dataSource.transaction(async (m) => {
      const done = await m
        .getRepository(BizCase)
        .update(
          { id: c.id, deliveryStatus: 'pending' },
          { deliveryStatus: 'delivered', deliveredAt: new Date(), deliveryLeaseUntil: null, deliveryError: null },
        );
      if (done.affected !== 1) return;
      for (const o of outputs)
        await this.progress.note(
          m,
          c,
          'licence-issued',
          `「${o.name}」电子证照已签发（证照标识 ${o.licenceId}）`,
          'business-platform',
          o.matterCode,
        );
      await this.progress.note(
        m,
        c,
        'delivered',
        `结果一并送达：${result}；已归档${c.archivePackageId === ALREADY_ARCHIVED ? '' : ` (archive package ${c.archivePackageId})`}${phone ? '；已短信通知' : ''}`,
        'business-platform',
      );
    });
  }

  /** The case as one archive package: the application, each department's decision, the licences, the timeline. */
  private async archive(c: BizCase, bundleName: string, parts: BizCasePart[], outputs: BizCaseOutput[]): Promise<string> {
    const events = await this.dataSource.getRepository(BizCaseEvent).find({ where: { caseId: c.id }, order: { seq: 'ASC' } });
    const entries = archiveEntries(c, parts, outputs, events);
    try {
      return this.checked(
        ArchiveDepositReply,
        await this.call(Topic.ArchiveDeposit, {
          caseId: c.caseNo,
          title: `${bundleName} ${c.caseNo}`.slice(0, 128),
          retentionYears: 30,
          entries,
        }),
      ).packageId;
    } catch (err) {
      // Deposited by an earlier attempt whose answer was lost: the archive keeps one package per case.
      if (err instanceof ProviderError && err.error?.reason === 'ALREADY_ARCHIVED') return ALREADY_ARCHIVED;
      throw err;
    }
  }

  private call(topic: Topic, input: object): Promise<unknown> {
    return this.capabilities.request(
      topic,
      null,
      { meta: { messageId: randomUUID(), correlationId: randomUUID(), app: 'business-platform', sentAt: new Date().toISOString() }, input },
      CALL_TIMEOUT_MS,
    );
  }

  private checked<T extends object>(type: new () => T, raw: unknown): T {
    const reply = validateMessage(type, raw);
    if (!reply.ok) throw new Error(`应答不合规 (a malformed answer): ${JSON.stringify(reply.errors).slice(0, 300)}`);
    return reply.value;
  }
}

/** Stands for the package of a case an earlier attempt archived (its id was not received). */
const ALREADY_ARCHIVED = '00000000-0000-0000-0000-000000000000';
