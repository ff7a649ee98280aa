import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export type IdentityEvent =
  | 'LOGIN_SUCCEEDED'
  | 'LOGIN_FAILED'
  | 'ACCOUNT_LOCKED'
  | 'LOGIN_REFUSED_LOCKED'
  | 'LOGIN_UNKNOWN_ACCOUNT'
  | 'LOGIN_THROTTLED'
  | 'FACE_MATCH_SUCCEEDED'
  | 'FACE_MATCH_FAILED'
  | 'SMS_CODE_SENT'
  | 'SMS_CODE_NOT_SENT'
  | 'AGENT_GRANTED'
  | 'AGENT_REVOKED'
  | 'FORCED_LOGOUT';

/** Every login, failure, lock-out, grant and revocation (等保: who, when, what, outcome), kept ≥ 6 months. */
@Entity({ name: 'identity_audit' })
@Index('IDX_identity_audit_account', ['accountId', 'at'])
export class IdentityAudit {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'varchar', length: 32 })
  event!: IdentityEvent;

  @Column({ type: 'uuid', name: 'account_id', nullable: true })
  accountId!: string | null;

  @Column({ type: 'varchar', length: 64, name: 'client_id', nullable: true })
  clientId!: string | null;

  @Column({ type: 'varchar', length: 64, name: 'remote_address', nullable: true })
  remoteAddress!: string | null;

  @Column({ type: 'varchar', length: 256, nullable: true })
  detail!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;
}
