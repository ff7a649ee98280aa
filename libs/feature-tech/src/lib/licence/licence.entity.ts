import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { HolderType, LicenceStatus } from '@gmp/contracts';
import { LicenceType } from './licence-type.entity.js';

/**
 * An issued electronic licence (电子证照). The holder's ID number is not stored in plain:
 * `holder_key` is its keyed hash (subjectKeyOf) for lookups, `holder_id_masked` is for display.
 */
@Entity({ name: 'licence' })
@Index('IDX_licence_holder_key', ['holderKey'])
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

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
