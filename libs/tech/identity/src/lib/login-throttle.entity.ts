import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Counters of failed logins per address and per account name, shared by every instance
 * (rate-limiter-flexible's PostgreSQL store; this entity only declares its table for migrations).
 */
@Entity({ name: 'login_throttle' })
export class LoginThrottleRow {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  key!: string;

  @Column({ type: 'integer', default: 0 })
  points!: number;

  /** Epoch milliseconds. */
  @Column({ type: 'bigint', nullable: true })
  expire!: string | null;
}
