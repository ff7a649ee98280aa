import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export const UPSTREAM_AUTH_KINDS = ['none', 'static-key', 'oauth-client-credentials'] as const;
export type UpstreamAuthKind = (typeof UPSTREAM_AUTH_KINDS)[number];

/**
 * An upstream HTTP API published as a capability (接口代理): where it is, how dispatch
 * authenticates to it, how long to wait and cache, how requests and answers are mapped. Only
 * registered upstreams are ever called — business lines never name a target.
 */
@Entity({ name: 'upstream' })
export class Upstream {
  /** The capability code business lines call, e.g. `proxy.mps.id-photo`. */
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_upstream' })
  code!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ type: 'varchar', length: 128, name: 'owner_department' })
  ownerDepartment!: string;

  /** `https://host[:port]/base` — no credentials, no query. */
  @Column({ type: 'varchar', length: 512, name: 'base_url' })
  baseUrl!: string;

  @Column({ type: 'varchar', length: 256 })
  path!: string;

  @Column({ type: 'varchar', length: 8 })
  method!: 'GET' | 'POST';

  /**
   * none; a static key sent in `auth_header`; or an OAuth 2.0 client-credentials token fetched
   * from `oauth_token_url` and sent as `Authorization: Bearer`. The key or client secret is
   * encrypted by the crypto provider (label `dispatch:upstream`, aad = code).
   */
  @Column({ type: 'varchar', length: 32, name: 'auth_kind' })
  authKind!: UpstreamAuthKind;

  @Column({ type: 'varchar', length: 64, name: 'auth_header', nullable: true })
  authHeader!: string | null;

  @Column({ type: 'bytea', name: 'auth_secret_enc', nullable: true })
  authSecretEnc!: Buffer | null;

  @Column({ type: 'varchar', length: 512, name: 'oauth_token_url', nullable: true })
  oauthTokenUrl!: string | null;

  @Column({ type: 'varchar', length: 128, name: 'oauth_client_id', nullable: true })
  oauthClientId!: string | null;

  @Column({ type: 'varchar', length: 256, name: 'oauth_scope', nullable: true })
  oauthScope!: string | null;

  @Column({ type: 'integer', name: 'timeout_ms' })
  timeoutMs!: number;

  /** Answers kept this long per instance for the same mapped request (0 = not cached). */
  @Column({ type: 'integer', name: 'cache_ttl_seconds', default: 0 })
  cacheTtlSeconds!: number;

  /** JSONata expression turning the capability input into the upstream's body (POST) or query object (GET); null = as is. */
  @Column({ type: 'text', name: 'request_mapping', nullable: true })
  requestMapping!: string | null;

  /** JSONata expression turning the upstream's JSON answer into the capability output; null = as is. */
  @Column({ type: 'text', name: 'response_mapping', nullable: true })
  responseMapping!: string | null;

  /** JSON Schema the capability input must meet (checked before anything is sent). */
  @Column({ type: 'jsonb', name: 'input_schema' })
  inputSchema!: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
