import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** Token signing keys of the OpenID provider; the newest active one signs, all unexpired ones verify. */
@Entity({ name: 'signing_key' })
export class SigningKey {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid!: string;

  @Column({ type: 'varchar', length: 16 })
  alg!: string;

  /** Private JWK. To be moved behind the crypto provider (hardware crypto machine) with the e-seal issue. */
  @Column({ type: 'jsonb', name: 'private_jwk' })
  privateJwk!: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  /** No longer signs after this; still published for verification until tokens it signed expire. */
  @Column({ type: 'timestamptz', name: 'retired_at', nullable: true })
  retiredAt!: Date | null;
}
