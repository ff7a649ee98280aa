import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import Provider, { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { DataSource } from 'typeorm';
import { acrForLevel, allowedClientScopes, levelOfAcr, OidcScope, PLATFORM_API_AUDIENCE, PlatformScope } from '@gmp/identity';
import { ServiceConfig } from '@gmp/service-kit';
import { pgOidcAdapter } from './oidc-pg.adapter.js';
import { AccountsService } from './accounts.service.js';
import { SigningKeysService } from './signing-keys.service.js';
import { StaffDirectoryService } from './staff-directory.service.js';
import { logoutPage, signedOutPage } from './login-pages.js';
import { IdentityConfig } from './identity.config.js';

/** Subjects of staff tokens are `staff:<id>` (citizens' are the bare account id). */
export const STAFF_SUBJECT_PREFIX = 'staff:';

/** 统一身份认证: the platform's OpenID provider (oidc-provider, certified), mounted at /oidc. */
@Injectable()
export class OidcProviderService implements OnModuleInit {
  private readonly log = new Logger('OidcProvider');
  provider!: Provider;
  private handler!: (req: IncomingMessage, res: ServerResponse) => void;
  readonly issuer: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly signingKeys: SigningKeysService,
    private readonly accounts: AccountsService,
    private readonly directory: StaffDirectoryService,
    private readonly config: ServiceConfig,
    private readonly identityConfig: IdentityConfig,
  ) {
    this.issuer = this.config.OIDC_ISSUER ?? `http://127.0.0.1:${this.config.PORT}/oidc`;
  }

  async onModuleInit(): Promise<void> {
    const cookieSecret = this.identityConfig.OIDC_COOKIE_SECRET ?? randomBytes(32).toString('base64url');
    if (!this.identityConfig.OIDC_COOKIE_SECRET)
      this.log.warn('未设置 OIDC_COOKIE_SECRET，登录会话在重启后失效 (OIDC_COOKIE_SECRET unset: sessions do not survive a restart)');
    const scopes = Object.values(PlatformScope);
    this.provider = new Provider(this.issuer, {
      adapter: pgOidcAdapter(this.dataSource),
      jwks: { keys: (await this.signingKeys.keys()) as never },
      scopes: [OidcScope.OpenId, OidcScope.OfflineAccess, ...scopes],
      extraClientMetadata: { properties: ['first_party'] },
      cookies: { keys: [cookieSecret] },
      pkce: { required: () => true },
      features: {
        devInteractions: { enabled: false },
        rpInitiatedLogout: {
          enabled: true,
          // Our own pages (login-pages.ts).
          logoutSource: async (ctx, form) => {
            ctx.type = 'text/html; charset=utf-8';
            ctx.body = logoutPage(form);
          },
          postLogoutSuccessSource: async (ctx) => {
            ctx.type = 'text/html; charset=utf-8';
            ctx.body = signedOutPage();
          },
        },
        clientCredentials: { enabled: true },
        introspection: { enabled: true },
        revocation: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => PLATFORM_API_AUDIENCE,
          useGrantedResource: () => true,
          // The API's scopes as far as this client is allowed them: a token never carries more, on
          // any grant (client credentials, code, refresh), even after the client's list shrinks.
          getResourceServerInfo: (ctx, _resource, client) => ({
            scope: scopes.filter(allowedScopesOf(ctx, client)).join(' '),
            audience: PLATFORM_API_AUDIENCE,
            accessTokenTTL: 600,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          }),
        },
      },
      // A refresh is checked against the client's allowed scopes before its token is rotated, so a
      // refused refresh leaves the client's refresh token usable. Rotation as oidc-provider's default.
      rotateRefreshToken: (ctx) => {
        allowedScopesOf(ctx, ctx.oidc.client);
        const refreshToken = ctx.oidc.entities.RefreshToken!;
        if (refreshToken.totalLifetime() >= 365.25 * 24 * 3600) return false;
        if (ctx.oidc.client?.clientAuthMethod === 'none' && !refreshToken.isSenderConstrained()) return true;
        return refreshToken.ttlPercentagePassed() >= 70;
      },
      ttl: {
        ClientCredentials: 600,
        AccessToken: 600,
        AuthorizationCode: 60,
        IdToken: 600,
        Interaction: 600,
        Session: 8 * 3600,
        Grant: 14 * 24 * 3600,
        RefreshToken: 14 * 24 * 3600,
      },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      claims: { openid: ['sub'], profile: ['name'] },
      findAccount: async (_ctx, sub) => {
        if (sub.startsWith(STAFF_SUBJECT_PREFIX)) {
          const staff = await this.directory.findStaff(sub.slice(STAFF_SUBJECT_PREFIX.length));
          return staff?.enabled ? { accountId: sub, claims: async () => ({ sub, name: staff.name }) } : undefined;
        }
        const account = await this.accounts.find(sub);
        return account ? { accountId: account.id, claims: async () => ({ sub: account.id, name: account.name }) } : undefined;
      },
      // The level of assurance behind a user's token travels in the access token (acr).
      // `gid` names the grant behind a user's token, so introspection can tell a revoked one.
      extraTokenClaims: async (ctx, token) => {
        const { accountId, grantId } = token as { accountId?: string; grantId?: string };
        if (!accountId) return undefined;
        const gid = grantId ? { gid: grantId } : {};
        if (accountId.startsWith(STAFF_SUBJECT_PREFIX)) {
          const claims = await this.directory.staffClaims(accountId.slice(STAFF_SUBJECT_PREFIX.length));
          return claims ? { ...claims, ...gid } : undefined;
        }
        const account = await this.accounts.find(accountId);
        if (!account) return undefined;
        // The level the login proved, as the interaction set it (the code or refresh token carries
        // the session's acr): a password at most 3, a face match 4.
        const entities = ctx.oidc.entities as { AuthorizationCode?: { acr?: string }; RefreshToken?: { acr?: string } };
        return {
          acr: acrForLevel(
            levelOfAcr(entities.AuthorizationCode?.acr ?? entities.RefreshToken?.acr) ?? Math.min(account.assuranceLevel, 3),
          ),
          ...gid,
        };
      },
      renderError: async (ctx, out) => {
        ctx.type = 'application/json; charset=utf-8';
        ctx.body = { error: out['error'], error_description: out['error_description'] };
      },
    });
    this.provider.proxy = true;
    this.handler = this.provider.callback() as never;
    this.log.log(`OpenID 提供方就绪 (OpenID provider ready): ${this.issuer}`);
  }

  /** Hands a raw request (path relative to /oidc) to the provider. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    this.handler(req, res);
  }
}

/**
 * The scopes `client` is allowed (its `scope` metadata), after checking what the request asks
 * for against them: `scope` on the authorization and token requests, or — when a code or a
 * refresh token is redeemed without one — the scopes it carries. Anything outside the list is
 * refused with `invalid_scope` (oidc-provider itself checks the list only at the authorization
 * endpoint and for client credentials, and not at all for a client without a list).
 */
function allowedScopesOf(ctx: KoaContextWithOIDC, client: { clientId: string; scope?: string } | undefined): (scope: string) => boolean {
  const allowed = allowedClientScopes(client?.scope);
  const list = new Set('scopes' in allowed ? allowed.scopes : []);
  const { params, entities } = ctx.oidc as unknown as {
    params?: { scope?: unknown };
    entities: { RefreshToken?: { scope?: string }; AuthorizationCode?: { scope?: string } };
  };
  const asked =
    typeof params?.scope === 'string' ? params.scope : (entities.RefreshToken?.scope ?? entities.AuthorizationCode?.scope ?? '');
  const outside = asked.split(' ').filter((s) => s && !list.has(s));
  if (outside.length)
    throw new errors.InvalidScope(`requested scope is not allowed for this client: ${outside.join(' ')}`, outside.join(' '));
  return (scope) => list.has(scope);
}
