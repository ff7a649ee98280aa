import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const ASYNC_STATUSES = ['accepted', 'running', 'succeeded', 'failed'] as const;
export type AsyncStatus = (typeof ASYNC_STATUSES)[number];
export type CallbackStatus = 'none' | 'pending' | 'delivered' | 'failed';

/**
 * An asynchronous call (202 + call id): the request kept (encrypted) until it has run, the
 * answer kept (encrypted) for the app to fetch or to be delivered to its callback URL.
 */
@Entity({ name: 'async_call' })
@Index('IDX_async_call_status', ['status', 'leaseUntil'])
@Index('IDX_async_call_callback', ['callbackStatus', 'callbackNextAt'])
export class AsyncCall {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_async_call' })
  id!: string;

  @Column({ type: 'varchar', length: 64, name: 'app_key' })
  appKey!: string;

  /**
   * SHA-256 (hex) of the signed-in end user whose own token made the call, or null for a call
   * made with the app's credentials: only that user reads the call (not other users of the same
   * portal client, nor the app itself).
   */
  @Column({ type: 'char', length: 64, name: 'owner_key', nullable: true })
  ownerKey!: string | null;

  @Column({ type: 'varchar', length: 64 })
  capability!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: AsyncStatus;

  /** The validated input and who-and-why, as JSON, encrypted by the crypto provider (label `dispatch:async`, aad = id). */
  @Column({ type: 'bytea', name: 'request_enc' })
  requestEnc!: Buffer;

  /** HTTP status of the answer (200, or the problem's). */
  @Column({ type: 'smallint', name: 'result_status', nullable: true })
  resultStatus!: number | null;

  @Column({ type: 'bytea', name: 'result_enc', nullable: true })
  resultEnc!: Buffer | null;

  /** While running: until when this instance holds it (after that another instance runs it again). */
  @Column({ type: 'timestamptz', name: 'lease_until', nullable: true })
  leaseUntil!: Date | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'timestamptz', name: 'submitted_at' })
  submittedAt!: Date;

  @Column({ type: 'timestamptz', name: 'completed_at', nullable: true })
  completedAt!: Date | null;

  @Column({ type: 'varchar', length: 512, name: 'callback_url', nullable: true })
  callbackUrl!: string | null;

  @Column({ type: 'varchar', length: 16, name: 'callback_status', default: 'none' })
  callbackStatus!: CallbackStatus;

  @Column({ type: 'integer', name: 'callback_attempts', default: 0 })
  callbackAttempts!: number;

  @Column({ type: 'timestamptz', name: 'callback_next_at', nullable: true })
  callbackNextAt!: Date | null;

  @Column({ type: 'varchar', length: 256, name: 'callback_error', nullable: true })
  callbackError!: string | null;
}
