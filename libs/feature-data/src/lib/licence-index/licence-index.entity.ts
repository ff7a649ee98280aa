import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The data platform's index of e-licences (电子证照目录): kept current from tech-capabilities' LicenceChanged events. */
@Entity({ name: 'licence_index' })
@Index('IDX_licence_index_holder', ['holderKey'])
export class LicenceIndexEntry {
  @PrimaryColumn({ type: 'varchar', length: 128, name: 'licence_id' })
  licenceId!: string;

  @Column({ type: 'varchar', length: 21, name: 'type_code' })
  typeCode!: string;

  @Column({ type: 'char', length: 64, name: 'holder_key' })
  holderKey!: string;

  @Column({ type: 'varchar', length: 16, name: 'holder_type' })
  holderType!: string;

  @Column({ type: 'varchar', length: 18, name: 'issuer_code' })
  issuerCode!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ type: 'date', name: 'valid_until', nullable: true })
  validUntil!: string | null;

  /** Time of the newest event applied: an older event arriving late changes nothing. */
  @Column({ type: 'timestamptz', name: 'changed_at' })
  changedAt!: Date;
}
