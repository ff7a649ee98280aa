import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A call made with an Idempotency-Key: the same key (per app) gets the same answer and the capability runs once. */
@Entity({ name: 'idempotency_record' })
export class IdempotencyRecord {
  @PrimaryColumn({ type: 'varchar', length: 64, name: 'app_key', primaryKeyConstraintName: 'PK_idempotency_record' })
  appKey!: string;

  @PrimaryColumn({ type: 'varchar', length: 128, name: 'idem_key', primaryKeyConstraintName: 'PK_idempotency_record' })
  idemKey!: string;

  @Column({ type: 'varchar', length: 64 })
  capability!: string;

  /** SHA-256 of capability + input: a reused key with another request is refused. */
  @Column({ type: 'char', length: 64, name: 'request_hash' })
  requestHash!: string;

  /** HTTP status of the answer, or null while the call runs. */
  @Column({ type: 'smallint', nullable: true })
  status!: number | null;

  /** The answer's body (output, or the problem). */
  @Column({ type: 'jsonb', nullable: true })
  answer!: Record<string, unknown> | null;

  /** Who holds the key while it runs: set at the claim and at a takeover; only its holder may record the answer. */
  @Column({ type: 'uuid', name: 'claim_id', nullable: true })
  claimId!: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
