import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A legal person (法人): a company or organisation, by unified social credit code. */
@Entity({ name: 'legal_person' })
export class LegalPerson {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** subjectKeyOf(credit code). */
  @Column({ type: 'char', length: 64, name: 'code_key', unique: true })
  codeKey!: string;

  @Column({ type: 'varchar', length: 18, name: 'credit_code' })
  creditCode!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
