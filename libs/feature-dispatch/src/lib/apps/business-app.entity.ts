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

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
