import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A legal person authorises a person as its agent (经办人) for some acts until a time. */
@Entity({ name: 'agent_authorisation' })
@Index('IDX_agent_authorisation_pair', ['legalPersonId', 'agentAccountId'])
export class AgentAuthorisation {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'uuid', name: 'legal_person_id' })
  legalPersonId!: string;

  @Column({ type: 'uuid', name: 'agent_account_id' })
  agentAccountId!: string;

  /** Acts allowed, e.g. `licence:read`, `case:submit`. */
  @Column({ type: 'text', array: true })
  scopes!: string[];

  @Column({ type: 'timestamptz', name: 'valid_until' })
  validUntil!: Date;

  /** Set on revocation; takes effect at once. */
  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'varchar', length: 64, name: 'granted_by' })
  grantedBy!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
