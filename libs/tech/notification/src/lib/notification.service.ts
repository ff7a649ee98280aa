import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { CryptoProvider } from '@gmp/gm-crypto';
import { IdleBackoff, quoteTablePath } from '@gmp/messaging';
import { CRYPTO_PROVIDER, ServiceConfig } from '@gmp/service-kit';
import { PLATFORM_SERVICES } from '@gmp/contracts';
import { SUBJECT_RECIPIENT } from './inbox-subjects.js';
import { type Channel, Notification } from './notification.entity.js';
import { checkParams, render, templateOf } from './notification-templates.js';
import {
  HttpSmsSender,
  InAppSender,
  LogSender,
  mask,
  type NotificationSender,
  PermanentSendError,
  SmtpEmailSender,
} from './notification.senders.js';
import { NotificationProblem } from './notification.problems.js';
import { NotificationConfig } from './notification.config.js';

const LABEL = 'notification';
const BATCH = 20;
const LEASE_SECONDS = 30;
const MAX_BACKOFF_MS = 600_000;

const RECIPIENT: Record<Channel, { pattern: RegExp; message: string }> = {
  sms: { pattern: /^1[3-9]\d{9}$/, message: '手机号码须为 11 位中国大陆号码 (a mainland mobile number of 11 digits)' },
  email: { pattern: /^[^\s@]{1,64}@[^\s@]{1,190}\.[A-Za-z]{2,24}$/, message: '电子邮箱格式无效 (invalid e-mail address)' },
  'in-app': {
    pattern: /^(?:(?:staff:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|subject:[0-9a-f]{64})$/,
    message: '站内信收件人须为账户标识或 subject:<主体键> (an account id, or subject:<the person’s subject key>)',
  },
};

export interface NotificationRequest {
  channel: Channel;
  to: string;
  template: string;
  params: Record<string, string>;
  app: string;
  correlationId: string;
  /** One notification per app and key (a retried request answers the first). */
  dedupKey?: string;
}

export interface NotificationStatus {
  id: string;
  channel: Channel;
  recipient: string;
  template: string;
  status: Notification['status'];
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

/**
 * Notifications (SMS, e-mail, in-app) from templates, through pluggable senders, retried from
 * an outbox table with backoff, each with its delivery status. A request is stored (recipient
 * and parameters encrypted) before anything is sent, so a crash loses nothing; a relay claims
 * due rows with a lease, sends, and records the outcome.
 */
@Injectable()
export class NotificationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Notifications');
  private readonly senders: Record<Channel, NotificationSender>;
  private timer: NodeJS.Timeout | null = null;
  /** Whether a relay pass since the last poll claimed anything. */
  private claimedSinceTick = false;
  /** A wake set for the earliest retry this instance scheduled. */
  private retryTimer: NodeJS.Timeout | null = null;
  private retryAt = 0;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ServiceConfig,
    private readonly notificationConfig: NotificationConfig,
    @Inject(CRYPTO_PROVIDER) private readonly crypto: CryptoProvider,
  ) {
    const log = new LogSender(config.NODE_ENV !== 'production');
    this.senders = {
      sms: notificationConfig.NOTIFY_SMS_URL ? new HttpSmsSender(notificationConfig.NOTIFY_SMS_URL) : log,
      email: notificationConfig.NOTIFY_SMTP_URL
        ? new SmtpEmailSender(notificationConfig.NOTIFY_SMTP_URL, notificationConfig.NOTIFY_EMAIL_FROM)
        : log,
      'in-app': new InAppSender(dataSource),
    };
  }

  onApplicationBootstrap(): void {
    // New notifications wake the relay at once; the poll finds retries that fell due and other
    // instances' abandoned sends: every second while it finds some, backing off to 5 s while idle.
    const polls = new IdleBackoff(1000);
    const tick = () => {
      this.wake();
      const active = this.claimedSinceTick;
      this.claimedSinceTick = false;
      if (!this.stopped) {
        this.timer = setTimeout(tick, polls.next(active));
        this.timer.unref();
      }
    };
    tick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.running;
    (this.senders.email as Partial<SmtpEmailSender>).close?.();
  }

  /** Whether messages on this channel really leave the platform (in production the log sender does not count). */
  delivers(channel: Channel): boolean {
    return !(this.senders[channel] instanceof LogSender) || this.config.NODE_ENV !== 'production';
  }

  /** Checks and stores a notification; it is sent shortly after (the relay is woken at once). */
  async enqueue(request: NotificationRequest): Promise<{ id: string; status: 'pending' }> {
    const template = templateOf(request.template);
    if (!template) throw NotificationProblem.UNKNOWN_TEMPLATE(request.template);
    if (template.reservedFor && template.reservedFor !== request.app) {
      throw NotificationProblem.TEMPLATE_RESERVED(template.code);
    }
    if (!template.channels.includes(request.channel)) {
      throw NotificationProblem.CHANNEL_NOT_ALLOWED(`${template.code} → ${request.channel}`);
    }
    const rule = RECIPIENT[request.channel];
    if (!rule.pattern.test(request.to)) throw NotificationProblem.INVALID_RECIPIENT(rule.message);
    // A person by subject key reaches them with or without an account: only the platform's own services write so (no app can fill inboxes by key).
    if (SUBJECT_RECIPIENT.test(request.to) && !PLATFORM_SERVICES.includes(request.app))
      throw NotificationProblem.RECIPIENT_RESERVED(request.app);
    const problems = checkParams(template, request.params);
    if (problems.length > 0) throw NotificationProblem.INVALID_PARAMS(problems.join('; '));
    if (request.dedupKey) {
      const before = await this.dataSource
        .getRepository(Notification)
        .findOneBy({ app: request.app.slice(0, 64), dedupKey: request.dedupKey });
      if (before) return { id: before.id, status: 'pending' };
    }
    const id = randomUUID();
    try {
      await this.insert(id, template.code, request);
    } catch (err) {
      // The same key twice at once: the loser answers the winner's notification.
      const before =
        request.dedupKey && (err as { code?: string }).code === '23505'
          ? await this.dataSource.getRepository(Notification).findOneBy({ app: request.app.slice(0, 64), dedupKey: request.dedupKey })
          : null;
      if (!before) throw err;
      return { id: before.id, status: 'pending' };
    }
    this.wake();
    return { id, status: 'pending' };
  }

  private async insert(id: string, template: string, request: NotificationRequest): Promise<void> {
    await this.dataSource.getRepository(Notification).insert({
      id,
      channel: request.channel,
      recipientEnc: this.crypto.encrypt(LABEL, request.to, `${id}:to`),
      recipientMasked: mask(request.channel, request.to),
      template,
      paramsEnc: this.crypto.encrypt(LABEL, JSON.stringify(request.params), `${id}:params`),
      status: 'pending',
      attempts: 0,
      nextAttemptAt: new Date(),
      leaseUntil: null,
      lastError: null,
      providerMessageId: null,
      app: request.app.slice(0, 64),
      correlationId: request.correlationId.slice(0, 128),
      sentAt: null,
      dedupKey: request.dedupKey ?? null,
    });
  }

  async status(id: string): Promise<NotificationStatus | null> {
    const n = await this.dataSource.getRepository(Notification).findOneBy({ id });
    if (!n) return null;
    return {
      id: n.id,
      channel: n.channel,
      recipient: n.recipientMasked,
      template: n.template,
      status: n.status === 'sending' ? 'pending' : n.status,
      attempts: n.attempts,
      lastError: n.lastError,
      createdAt: n.createdAt.toISOString(),
      sentAt: n.sentAt?.toISOString() ?? null,
    };
  }

  /** Wakes the relay after `ms` (a retry that falls due then); the earliest such wake wins. */
  private wakeIn(ms: number): void {
    const at = Date.now() + ms;
    if (this.retryTimer && this.retryAt <= at) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryAt = at;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.wake();
    }, ms + 5);
    this.retryTimer.unref();
  }

  /** Runs the relay now (or once more right after the current pass). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.relay()
      .catch((err: unknown) => this.log.error(`通知发送轮次失败 (relay pass failed): ${(err as Error).message}`))
      .finally(() => {
        this.running = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async relay(): Promise<void> {
    const table = quoteTablePath(this.dataSource.getRepository(Notification).metadata.tablePath);
    for (;;) {
      const [claimed] = (await this.dataSource.query(
        `UPDATE ${table} SET status = 'sending', lease_until = now() + make_interval(secs => $2), attempts = attempts + 1
         WHERE id IN (SELECT id FROM ${table}
                      WHERE (status = 'pending' AND next_attempt_at <= now()) OR (status = 'sending' AND lease_until < now())
                      ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING id, channel, recipient_enc, template, params_enc, attempts`,
        [BATCH, LEASE_SECONDS],
      )) as [{ id: string; channel: Channel; recipient_enc: Buffer; template: string; params_enc: Buffer; attempts: number }[], number];
      if (claimed.length > 0) this.claimedSinceTick = true;
      if (claimed.length === 0 || this.stopped) return;
      await Promise.all(claimed.map((row) => this.deliver(table, row)));
      if (claimed.length < BATCH) return;
    }
  }

  private async deliver(
    table: string,
    row: { id: string; channel: Channel; recipient_enc: Buffer; template: string; params_enc: Buffer; attempts: number },
  ): Promise<void> {
    try {
      const to = this.crypto.decrypt(LABEL, row.recipient_enc, `${row.id}:to`).toString();
      const params = JSON.parse(this.crypto.decrypt(LABEL, row.params_enc, `${row.id}:params`).toString()) as Record<string, string>;
      const template = templateOf(row.template)!;
      const result = await this.senders[row.channel].send({
        id: row.id,
        channel: row.channel,
        to,
        template: row.template,
        params,
        title: template.title,
        text: render(template, params),
      });
      // Sent: the recipient and parameters (a login code, say) are no longer needed.
      await this.dataSource.query(
        `UPDATE ${table} SET status = 'sent', sent_at = now(), lease_until = NULL, last_error = NULL, provider_message_id = $2, recipient_enc = NULL, params_enc = NULL
         WHERE id = $1 AND status = 'sending' AND attempts = $3`,
        [row.id, result.providerMessageId ?? null, row.attempts],
      );
    } catch (err) {
      const permanent = err instanceof PermanentSendError || row.attempts >= this.notificationConfig.NOTIFY_MAX_ATTEMPTS;
      const delay = Math.min(MAX_BACKOFF_MS, this.notificationConfig.NOTIFY_RETRY_BASE_MS * 2 ** (row.attempts - 1));
      await this.dataSource.query(
        `UPDATE ${table} SET status = CASE WHEN $2 THEN 'failed' ELSE 'pending' END, lease_until = NULL, last_error = $3,
           next_attempt_at = now() + make_interval(secs => $4),
           recipient_enc = CASE WHEN $2 THEN NULL ELSE recipient_enc END, params_enc = CASE WHEN $2 THEN NULL ELSE params_enc END
         WHERE id = $1 AND status = 'sending' AND attempts = $5`,
        [row.id, permanent, ((err as Error).message ?? 'error').slice(0, 256), delay / 1000, row.attempts],
      );
      if (permanent)
        this.log.warn(
          `通知发送失败 (notification failed) ${row.id} [${row.channel}/${row.template}] after ${row.attempts} attempts: ${(err as Error).message}`,
        );
      // The retry runs when it falls due, not at the next (backed-off) poll.
      else this.wakeIn(delay);
    }
  }
}
