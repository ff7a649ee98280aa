import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { HolderType, LicenceStatus } from '@gmp/contracts';
import { LicenceType } from './licence-type.entity.js';

/**
 * An issued electronic licence (电子证照). The holder's ID number is not stored in plain:
 * `holder_key` is its keyed hash (subjectKeyOf) for lookups, `holder_id_masked` is for display.
 */
@Entity({ name: 'licence' })
@Index('IDX_licence_holder_key', ['holderKey'])
@Index('UQ_licence_issue_key', ['issueApp', 'issueKey'], { unique: true, where: 'issue_key IS NOT NULL' })
export class Licence {
  /** GB/T 36904 identifier, e.g. 1.2.156.3005.2.<type>.<issuer>.<serial>.<version>.<check>. */
  @PrimaryColumn({ type: 'varchar', length: 128, name: 'licence_id' })
  licenceId!: string;

  @Column({ type: 'varchar', length: 21, name: 'type_code' })
  typeCode!: string;

  @ManyToOne(() => LicenceType, { nullable: false })
  @JoinColumn({ name: 'type_code', referencedColumnName: 'code' })
  type?: LicenceType;

  /** Number printed on the licence (证照编号). */
  @Column({ type: 'varchar', length: 64 })
  number!: string;

  @Column({ type: 'varchar', length: 128, name: 'holder_name' })
  holderName!: string;

  @Column({ type: 'varchar', length: 16, name: 'holder_type' })
  holderType!: HolderType;

  @Column({ type: 'char', length: 64, name: 'holder_key' })
  holderKey!: string;

  @Column({ type: 'varchar', length: 32, name: 'holder_id_masked' })
  holderIdMasked!: string;

  @Column({ type: 'varchar', length: 18, name: 'issuer_code' })
  issuerCode!: string;

  @Column({ type: 'varchar', length: 128, name: 'issuer_name' })
  issuerName!: string;

  @Column({ type: 'date', name: 'issue_date' })
  issueDate!: string;

  @Column({ type: 'date', name: 'valid_until', nullable: true })
  validUntil!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'valid' })
  status!: LicenceStatus;

  /** The data items (照面信息) of an issued licence, checked against its type's schema. */
  @Column({ type: 'jsonb', nullable: true })
  data!: Record<string, unknown> | null;

  /** The holder's id, encrypted by the crypto provider (label `field:holder-id`), for the signed record. */
  @Column({ type: 'bytea', name: 'holder_id_enc', nullable: true })
  holderIdEnc!: Buffer | null;

  /** GB/T 38540 signature (DER) of the issuing authority's seal over the canonical record. */
  @Column({ type: 'bytea', nullable: true })
  signature!: Buffer | null;

  @Column({ type: 'uuid', name: 'seal_id', nullable: true })
  sealId!: string | null;

  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'varchar', length: 512, name: 'revoked_reason', nullable: true })
  revokedReason!: string | null;

  /** The issuing app and its key for this issue (LicenceIssueInput.issueKey): the same pair never issues a second licence. */
  @Column({ type: 'varchar', length: 128, name: 'issue_app', nullable: true })
  issueApp!: string | null;

  @Column({ type: 'varchar', length: 128, name: 'issue_key', nullable: true })
  issueKey!: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
