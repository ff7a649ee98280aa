import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Transactional outbox: an event is written here in the same database transaction as the
 * state change it announces, then relayed to the broker by OutboxService and deleted. One table in
 * each service's own schema.
 */
@Entity({ name: 'outbox' })
export class OutboxRecord {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  seq!: string;

  /** Also the event's `meta.messageId`: consumers deduplicate on it. */
  @Column({ type: 'uuid', name: 'event_id', unique: true })
  eventId!: string;

  @Column({ type: 'varchar', length: 255 })
  topic!: string;

  @Column({ type: 'varchar', length: 255, name: 'message_key', nullable: true })
  messageKey!: string | null;

  @Column({ type: 'jsonb' })
  payload!: object;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  /** The trace context of the call that wrote the event (`traceparent`, `tracestate` as JSON), sent with it; null when not tracing. */
  @Column({ type: 'varchar', length: 512, name: 'trace_context', nullable: true })
  traceContext!: string | null;

  /** Lease of the relay currently publishing the row (another relay skips it until then). */
  @Column({ type: 'timestamptz', name: 'locked_until', nullable: true })
  lockedUntil!: Date | null;
}
