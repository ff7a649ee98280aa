import { Type } from 'class-transformer';
import { IsInt, IsString, Length, Matches, Max, Min, ValidateIf } from 'class-validator';

/** The notification capability's own variables: SMS gateway, SMTP server and sender, delivery attempts. */
export class NotificationConfig {
  /** SMS gateway: POST JSON { id, to, template, params, text }. Unset: SMS go to the log. */
  @ValidateIf((c: NotificationConfig) => c.NOTIFY_SMS_URL !== undefined)
  @Matches(/^https?:\/\/\S+$/, { message: 'NOTIFY_SMS_URL 须为 http(s) URL (must be an http(s) URL)' })
  NOTIFY_SMS_URL?: string;

  /** SMTP server for e-mail notifications, e.g. smtps://user:pass@mail.example.gov.cn:465. Unset: e-mails go to the log. */
  @ValidateIf((c: NotificationConfig) => c.NOTIFY_SMTP_URL !== undefined)
  @Matches(/^smtps?:\/\/\S+$/, { message: 'NOTIFY_SMTP_URL 须为 smtp:// 或 smtps:// URL (must be an smtp(s) URL)' })
  NOTIFY_SMTP_URL?: string;

  @IsString()
  @Length(3, 128)
  NOTIFY_EMAIL_FROM = '政务中台 <noreply@gov-mp.local>';

  /** Delivery attempts before a notification is marked failed; retries back off from NOTIFY_RETRY_BASE_MS (doubling, at most 10 minutes). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  NOTIFY_MAX_ATTEMPTS = 8;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  NOTIFY_RETRY_BASE_MS = 5000;
}
