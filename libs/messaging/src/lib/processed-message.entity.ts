import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** Idempotent consumption: one row per (consumer group, event id) already handled. */
@Entity({ name: 'processed_message' })
export class ProcessedMessage {
  @PrimaryColumn({ type: 'varchar', length: 255, name: 'consumer_group' })
  consumerGroup!: string;

  @PrimaryColumn({ type: 'uuid', name: 'event_id' })
  eventId!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'processed_at' })
  processedAt!: Date;
}
