import { Logger } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import type { DataSource } from 'typeorm';
import { InboxMessage } from './inbox-message.entity.js';
import type { Channel } from './notification.entity.js';

/** What a sender gets: everything needed to deliver one message, decrypted just for this call. */
export interface OutgoingMessage {
  id: string;
  channel: Channel;
  to: string;
  template: string;
  params: Record<string, string>;
  title: string;
  text: string;
}

/** Worth trying again later (network, 5xx, throttling by the gateway). */
export class TransientSendError extends Error {}
/** Will never work (refused number, 4xx): the notification fails at once. */
export class PermanentSendError extends Error {}

/** One channel's delivery: a log (default), an SMS gateway over HTTP, SMTP, the in-app inbox. */
export interface NotificationSender {
  readonly kind: string;
  send(message: OutgoingMessage): Promise<{ providerMessageId?: string }>;
}

/** Writes the message to the service log instead of sending it (development; the text only outside production). */
export class LogSender implements NotificationSender {
  readonly kind = 'log';
  private readonly log = new Logger('NotificationLogSender');

  constructor(private readonly showText: boolean) {}

  async send(m: OutgoingMessage): Promise<{ providerMessageId?: string }> {
    this.log.log(`[${m.channel}] → ${mask(m.channel, m.to)} 模板 ${m.template}${this.showText ? `: ${m.text}` : ''}`);
    return { providerMessageId: `log-${m.id}` };
  }
}

/**
 * SMS through an HTTP gateway (most Chinese SMS platforms, or an adapter in front of one):
 * POST JSON `{ id, to, template, params, text }`, 2xx with optional `{ messageId }`.
 * 4xx is permanent (bad number, unknown template), everything else is retried.
 */
export class HttpSmsSender implements NotificationSender {
  readonly kind = 'http';

  constructor(private readonly url: string) {}

  async send(m: OutgoingMessage): Promise<{ providerMessageId?: string }> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': m.id },
        body: JSON.stringify({ id: m.id, to: m.to, template: m.template, params: m.params, text: m.text }),
        signal: AbortSignal.timeout(5000),
      });
    } catch (err) {
      throw new TransientSendError(`短信网关不可达 (SMS gateway unreachable): ${(err as Error).name}`);
    }
    if (res.status >= 400 && res.status < 500 && res.status !== 429)
      throw new PermanentSendError(`短信网关拒绝 (SMS gateway refused): HTTP ${res.status}`);
    if (!res.ok) throw new TransientSendError(`短信网关出错 (SMS gateway failed): HTTP ${res.status}`);
    const body = (await res.json().catch(() => ({}))) as { messageId?: unknown };
    return typeof body.messageId === 'string' ? { providerMessageId: body.messageId.slice(0, 128) } : {};
  }
}

/** E-mail over SMTP (nodemailer), e.g. NOTIFY_SMTP_URL=smtps://user:pass@mail.example.gov.cn:465. */
export class SmtpEmailSender implements NotificationSender {
  readonly kind = 'smtp';
  private readonly transport: Transporter;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    // Timeouts well under the relay's 30-s lease, so a slow server cannot get a message sent twice.
    this.transport = createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as Parameters<
      typeof createTransport
    >[0]);
  }

  async send(m: OutgoingMessage): Promise<{ providerMessageId?: string }> {
    try {
      const info = await this.transport.sendMail({
        from: this.from,
        to: m.to,
        subject: m.title,
        text: m.text,
        messageId: `<${m.id}@gov-mp>`,
      });
      return { providerMessageId: String(info.messageId).slice(0, 128) };
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      if (code !== undefined && code >= 500 && code < 600) throw new PermanentSendError(`邮件服务器拒绝 (mail server refused): ${code}`);
      // The error text can quote the recipient: only its code is kept.
      throw new TransientSendError(
        `邮件发送失败 (mail not sent): ${String((err as { code?: unknown }).code ?? 'error').slice(0, 40)}${code ? ` ${code}` : ''}`,
      );
    }
  }

  close(): void {
    this.transport.close();
  }
}

/** In-app messages (站内信): stored in the recipient's inbox in this service's database. */
export class InAppSender implements NotificationSender {
  readonly kind = 'inbox';

  constructor(private readonly dataSource: DataSource) {}

  async send(m: OutgoingMessage): Promise<{ providerMessageId?: string }> {
    // The notification id is the message id: a retried delivery cannot put it in the inbox twice.
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(InboxMessage)
      .values({ id: m.id, subject: m.to, title: m.title, body: m.text, readAt: null })
      .orIgnore()
      .execute();
    return { providerMessageId: m.id };
  }
}

/** How a recipient is shown in records and logs. */
export function mask(channel: Channel, to: string): string {
  if (channel === 'sms') return `${to.slice(0, 3)}****${to.slice(-4)}`;
  if (channel === 'email') {
    const [local = '', domain = ''] = to.split('@');
    return `${local.slice(0, 1)}***@${domain}`;
  }
  // A person's subject key is kept whole where the message is, nowhere else (not even a prefix to link records by).
  if (to.startsWith('subject:')) return 'subject:…';
  return to;
}
