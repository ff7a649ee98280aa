import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * 用证授权: a holder lets an app (a department's system) use their licences — one licence or all
 * of them — for a purpose or case, until a time. Withdrawal takes effect at once.
 */
@Entity({ name: 'licence_use_authorisation' })
@Index('IDX_licence_use_holder_grantee', ['holderKey', 'grantee'])
export class LicenceUseAuthorisation {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'char', length: 64, name: 'holder_key' })
  holderKey!: string;

  /** One licence, or null for all of the holder's licences. */
  @Column({ type: 'varchar', length: 128, name: 'licence_id', nullable: true })
  licenceId!: string | null;

  @Column({ type: 'varchar', length: 64 })
  grantee!: string;

  @Column({ type: 'varchar', length: 256, nullable: true })
  purpose!: string | null;

  @Column({ type: 'varchar', length: 64, name: 'case_id', nullable: true })
  caseId!: string | null;

  @Column({ type: 'timestamptz', name: 'valid_until' })
  validUntil!: Date;

  @Column({ type: 'timestamptz', name: 'withdrawn_at', nullable: true })
  withdrawnAt!: Date | null;

  /** The person account that granted it: the holder, or an agent (经办人) of a company holder. */
  @Column({ type: 'uuid', name: 'granted_by', nullable: true })
  grantedBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
