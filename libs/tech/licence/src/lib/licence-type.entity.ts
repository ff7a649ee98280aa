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

  /** JSON Schema of the data items (照面信息) of licences of this type; null = free-form. */
  @Column({ type: 'jsonb', name: 'data_schema', nullable: true })
  dataSchema!: Record<string, unknown> | null;

  /** Default validity in years from the issue date; null = no end. */
  @Column({ type: 'integer', name: 'validity_years', nullable: true })
  validityYears!: number | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
