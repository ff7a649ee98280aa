import { Column, Entity, PrimaryColumn } from 'typeorm';

export const CAPABILITY_STATUSES = ['active', 'deprecated', 'retired'] as const;
export type CapabilityStatus = (typeof CAPABILITY_STATUSES)[number];
export const VISIBILITIES = ['public', 'restricted'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/**
 * The capability registry (能力目录): one row per capability version, announced by its provider
 * (contract, topic, timeout, JSON Schemas, example) — status and visibility are the operators'.
 */
@Entity({ name: 'capability_version' })
export class CapabilityVersion {
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_capability_version' })
  code!: string;

  @PrimaryColumn({ type: 'varchar', length: 8, primaryKeyConstraintName: 'PK_capability_version' })
  version!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ type: 'varchar', length: 1024 })
  description!: string;

  @Column({ type: 'varchar', length: 128, name: 'owner_department' })
  ownerDepartment!: string;

  @Column({ type: 'varchar', length: 64 })
  provider!: string;

  @Column({ type: 'varchar', length: 128 })
  topic!: string;

  @Column({ type: 'integer', name: 'timeout_ms' })
  timeoutMs!: number;

  @Column({ type: 'boolean' })
  idempotent!: boolean;

  @Column({ type: 'jsonb', name: 'input_schema' })
  inputSchema!: Record<string, unknown>;

  @Column({ type: 'jsonb', name: 'output_schema' })
  outputSchema!: Record<string, unknown>;

  @Column({ type: 'jsonb', nullable: true })
  example!: Record<string, unknown> | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: CapabilityStatus;

  /** public: listed for every app; restricted: listed only for apps with a subscription. */
  @Column({ type: 'varchar', length: 16, default: 'public' })
  visibility!: Visibility;

  @Column({ type: 'varchar', length: 256, name: 'status_reason', nullable: true })
  statusReason!: string | null;

  @Column({ type: 'varchar', length: 64, name: 'status_by', nullable: true })
  statusBy!: string | null;

  @Column({ type: 'timestamptz', name: 'announced_at' })
  announcedAt!: Date;
}
