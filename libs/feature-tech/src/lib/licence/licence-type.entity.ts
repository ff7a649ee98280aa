import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** Licence type catalogue entry (证照类型), GB/T 36904 type code. */
@Entity({ name: 'licence_type' })
export class LicenceType {
  /** Defining authority's credit code + 3-digit sequence (21 characters). */
  @PrimaryColumn({ type: 'varchar', length: 21 })
  code!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ type: 'varchar', length: 18, name: 'defining_authority_code' })
  definingAuthorityCode!: string;

  @Column({ type: 'varchar', length: 128, name: 'defining_authority_name' })
  definingAuthorityName!: string;

  @Column({ type: 'varchar', length: 16, name: 'holder_type' })
  holderType!: 'person' | 'company';

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
