import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export const CHANNELS = ['sms', 'email', 'in-app'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * A message to send (SMS, e-mail, in-app), kept as an outbox row until a sender took it.
 * Recipient and parameters are encrypted (crypto provider, label `notification`, bound to the
 * row id) and erased once sent; the masked recipient and the template code stay for the record.
 */
@Entity({ name: 'notification' })
@Index('IDX_notification_due', ['status', 'nextAttemptAt'])
@Index('UQ_notification_dedup', ['app', 'dedupKey'], { unique: true, where: 'dedup_key IS NOT NULL' })
export class Notification {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'varchar', length: 8 })
  channel!: Channel;

  @Column({ type: 'bytea', name: 'recipient_enc', nullable: true })
  recipientEnc!: Buffer | null;

  @Column({ type: 'varchar', length: 64, name: 'recipient_masked' })
  recipientMasked!: string;

  @Column({ type: 'varchar', length: 64 })
  template!: string;

  @Column({ type: 'bytea', name: 'params_enc', nullable: true })
  paramsEnc!: Buffer | null;

  /** pending → sending (leased) → sent | failed */
  @Column({ type: 'varchar', length: 8 })
  status!: 'pending' | 'sending' | 'sent' | 'failed';

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'timestamptz', name: 'next_attempt_at' })
  nextAttemptAt!: Date;

  @Column({ type: 'timestamptz', name: 'lease_until', nullable: true })
  leaseUntil!: Date | null;

  @Column({ type: 'varchar', length: 256, name: 'last_error', nullable: true })
  lastError!: string | null;

  @Column({ type: 'varchar', length: 128, name: 'provider_message_id', nullable: true })
  providerMessageId!: string | null;

  /** Who asked (app or service) and the correlation id of the request. */
  @Column({ type: 'varchar', length: 64 })
  app!: string;

  @Column({ type: 'varchar', length: 128, name: 'correlation_id' })
  correlationId!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'sent_at', nullable: true })
  sentAt!: Date | null;

  /** The caller's key for this message: one notification per app and key. */
  @Column({ type: 'varchar', length: 128, name: 'dedup_key', nullable: true })
  dedupKey!: string | null;
}
