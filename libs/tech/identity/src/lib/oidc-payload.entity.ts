import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Everything the OpenID provider stores (sessions, grants, codes, tokens, clients), by model. */
@Entity({ name: 'oidc_payload' })
@Index('IDX_oidc_payload_grant', ['grantId'])
@Index('IDX_oidc_payload_uid', ['uid'])
@Index('IDX_oidc_payload_user_code', ['userCode'])
// A client is stored with the explicit list of scopes it is allowed (migration ClientAllowedScopes1763802400000).
@Check(
  'CHK_oidc_payload_client_scope',
  `"model" <> 'Client' OR coalesce(jsonb_typeof("payload"->'scope') = 'string' AND btrim("payload"->>'scope') <> '', false)`,
)
export class OidcPayload {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  model!: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  id!: string;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 255, name: 'grant_id', nullable: true })
  grantId!: string | null;

  @Column({ type: 'varchar', length: 255, name: 'user_code', nullable: true })
  userCode!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  uid!: string | null;

  @Column({ type: 'timestamptz', name: 'expires_at', nullable: true })
  expiresAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'consumed_at', nullable: true })
  consumedAt!: Date | null;
}
