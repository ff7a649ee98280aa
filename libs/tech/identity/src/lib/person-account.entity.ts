import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A natural person's account (自然人). The ID number is stored only as a keyed hash and masked. */
@Entity({ name: 'person_account' })
export class PersonAccount {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** subjectKeyOf(ID number): the login name, never the number itself. */
  @Column({ type: 'char', length: 64, name: 'id_key', unique: true })
  idKey!: string;

  @Column({ type: 'varchar', length: 32, name: 'id_masked' })
  idMasked!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  /** Mobile number for SMS codes, encrypted by the crypto provider (label `field:phone`, bound to the account id). */
  @Column({ type: 'bytea', name: 'phone_enc', nullable: true })
  phoneEnc!: Buffer | null;

  @Column({ type: 'varchar', length: 16, name: 'phone_masked', nullable: true })
  phoneMasked!: string | null;

  /** argon2id (PHC string). */
  @Column({ type: 'varchar', length: 255, name: 'password_hash' })
  passwordHash!: string;

  /** Level of assurance reached by this account's identity proofing (2–5). */
  @Column({ type: 'smallint', name: 'assurance_level', default: 2 })
  assuranceLevel!: number;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
