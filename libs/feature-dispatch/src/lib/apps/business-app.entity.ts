import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A business-line system (department system, portal, bank service point) calling dispatch. */
@Entity({ name: 'business_app' })
export class BusinessApp {
  /** Set by the application (randomUUID): no database extension needed. */
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'varchar', length: 64, name: 'app_key', unique: true })
  appKey!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ type: 'varchar', length: 128, name: 'owner_department' })
  ownerDepartment!: string;

  /** scrypt$N$r$p$salt$hash (base64): the secret itself is never stored. */
  @Column({ type: 'varchar', length: 255, name: 'secret_hash' })
  secretHash!: string;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: 'active' | 'disabled';

  /** How the app signs requests (gmp-hmac-sm3, zj-irs, sd-gateway), or null: AppKey + AppSecret (Basic) only. */
  @Column({ type: 'varchar', length: 16, name: 'signature_scheme', nullable: true })
  signatureScheme!: string | null;

  /** The HMAC secret for signed requests, encrypted by the crypto provider (label `dispatch:app-hmac`, aad = AppKey). */
  @Column({ type: 'bytea', name: 'hmac_secret_enc', nullable: true })
  hmacSecretEnc!: Buffer | null;

  /** Calls a second allowed (null: the platform default, DISPATCH_RATE_PER_SECOND). */
  @Column({ type: 'integer', name: 'rate_per_second', nullable: true })
  ratePerSecond!: number | null;

  /** Calls a day (Beijing time) allowed (null: the platform default, DISPATCH_QUOTA_PER_DAY). */
  @Column({ type: 'integer', name: 'quota_per_day', nullable: true })
  quotaPerDay!: number | null;

  /** Where results of asynchronous calls are delivered (registered by operators only: no client-supplied targets). */
  @Column({ type: 'varchar', length: 512, name: 'callback_url', nullable: true })
  callbackUrl!: string | null;

  /** Key that signs callbacks (HMAC-SM3, platform scheme), encrypted by the crypto provider (label `dispatch:callback`, aad = AppKey). */
  @Column({ type: 'bytea', name: 'callback_secret_enc', nullable: true })
  callbackSecretEnc!: Buffer | null;

  /** Who to reach about the app (联系人): the department's staff, shown to operators and owners. */
  @Column({ type: 'jsonb', nullable: true })
  contacts!: AppContact[] | null;

  /** Addresses and CIDR ranges the app may call from (null: any). Checked for Basic and signed calls. */
  @Column({ type: 'jsonb', name: 'allowed_ips', nullable: true })
  allowedIps!: string[] | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}

export interface AppContact {
  name: string;
  phone?: string;
  email?: string;
  role?: string;
}
