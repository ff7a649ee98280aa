import { type CanActivate, type ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AccessTokenVerifier, PlatformScope, TokenRejected } from '@gmp/identity';
import { enrichContext } from '@gmp/observability';
import { CommonProblem } from '@gmp/service-kit';
import { AppCredentialsService, type AuthenticatedApp } from './app-credentials.service.js';
import { AppsProblem } from './apps.problems.js';
import { ReplayGuardService } from './replay-guard.service.js';
import { ipAllowed } from './ip-allow-list.util.js';
import { SIGNATURE_SCHEMES, type SignatureScheme, type SignedRequest } from '@gmp/dispatch-client';

/** `tokenEndUser`: the signed-in user of a user token, which wins over an X-End-User header. */
export type AppRequest = FastifyRequest & { app?: AuthenticatedApp; tokenEndUser?: string };

/**
 * Business-line app credentials, either an OAuth access token from the platform's OpenID
 * provider (`Authorization: Bearer …`, client credentials, scope `capabilities:invoke`) or
 * `Authorization: Basic base64(AppKey:AppSecret)`, or a request signed with the app's HMAC
 * secret in the scheme registered for the app (see signature-schemes.ts).
 */
@Injectable()
export class AppCredentialsGuard implements CanActivate {
  constructor(
    private readonly credentials: AppCredentialsService,
    private readonly replays: ReplayGuardService,
    @Optional() @Inject(AccessTokenVerifier) private readonly tokens: AccessTokenVerifier | null,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AppRequest>();
    for (const scheme of SIGNATURE_SCHEMES) {
      const claimed = scheme.claimedApp(signedRequestOf(request));
      if (claimed !== null) return this.signed(request, scheme, claimed);
    }
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) return this.bearer(request, header.slice(7).trim());
    if (!header || !header.startsWith('Basic ')) {
      throw CommonProblem.UNAUTHENTICATED(
        '缺少应用凭证 (missing app credentials: Authorization: Bearer <token> or Basic base64(AppKey:AppSecret))',
      );
    }
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw CommonProblem.UNAUTHENTICATED('应用凭证格式错误 (malformed app credentials)');
    const app = await this.credentials.authenticate(decoded.slice(0, colon), decoded.slice(colon + 1));
    if (!app) throw CommonProblem.UNAUTHENTICATED('应用凭证无效或应用已停用 (invalid credentials or app disabled)');
    // An app registered for signed requests may not call capabilities with its AppSecret alone.
    if (app.scheme && /\/invoke(-async)?$/.test(request.routeOptions?.url ?? '')) {
      throw AppsProblem.SIGNATURE_SCHEME_MISMATCH(
        `该应用须签名调用 (this app must sign its calls): 该应用使用 (this app uses) ${app.scheme}`,
      );
    }
    request.app = app; // authenticated: the audit names it, also when its address is refused
    checkAddress(request, app);
    enrichContext({ app: app.appKey });
    return true;
  }

  /** A request signed with the app's HMAC secret in the scheme configured for the app; each is accepted once. */
  private async signed(request: AppRequest, scheme: SignatureScheme, appKey: string): Promise<boolean> {
    const signer = await this.credentials.signingApp(appKey);
    if (!signer)
      throw CommonProblem.UNAUTHENTICATED('应用不存在、已停用或未启用签名 (unknown app, disabled, or not set up for signed requests)');
    if (signer.scheme !== scheme.name) throw AppsProblem.SIGNATURE_SCHEME_MISMATCH(`该应用使用 (this app uses) ${signer.scheme}`);
    const check = scheme.verify(signedRequestOf(request), signer.secret, Date.now());
    if (!check.ok) throw AppsProblem[check.code](check.detail);
    if (!(await this.replays.firstTime(appKey, check.replayKey, check.windowMs))) {
      throw AppsProblem.SIGNATURE_REPLAYED(
        '同一签名请求只受理一次：每次请求使用新的 nonce (each signed request is accepted once: use a new nonce)',
      );
    }
    request.app = signer.app;
    checkAddress(request, signer.app);
    enrichContext({ app: appKey });
    return true;
  }

  private async bearer(request: AppRequest, token: string): Promise<boolean> {
    if (!this.tokens)
      throw CommonProblem.UNAUTHENTICATED('本服务未配置 OIDC_ISSUER，不接受访问令牌 (bearer tokens not accepted: OIDC_ISSUER unset)');
    let principal;
    try {
      principal = await this.tokens.verify(token);
    } catch (err) {
      throw CommonProblem.UNAUTHENTICATED(err instanceof TokenRejected ? err.message : '访问令牌无效 (invalid access token)');
    }
    if (!principal.scopes.includes(PlatformScope.InvokeCapabilities)) {
      throw AppsProblem.INSUFFICIENT_SCOPE(`需要 (required) ${PlatformScope.InvokeCapabilities}`);
    }
    // OAuth clients and AppKey apps are separate namespaces: an OAuth client never takes an app's identity.
    const appKey = `oauth:${principal.clientId}`;
    // Grants, limits and the audit keep app keys of at most 64 characters of this alphabet.
    if (appKey.length > 64 || !/^[A-Za-z0-9._:@-]+$/.test(principal.clientId)) {
      throw AppsProblem.CLIENT_ID_UNSUPPORTED('OAuth client ids used with dispatch: at most 58 of [A-Za-z0-9._:@-]');
    }
    request.app = { id: appKey, appKey, name: principal.clientId };
    if (principal.subject !== principal.clientId) request.tokenEndUser = principal.subject;
    enrichContext({ app: appKey, ...(request.tokenEndUser ? { endUser: request.tokenEndUser } : {}) });
    return true;
  }
}

/** The app's IP allow-list, when it has one: the client address (as TRUST_PROXY lets Fastify see it) must be in it. */
function checkAddress(request: AppRequest, app: AuthenticatedApp): void {
  if (!app.allowedIps?.length || ipAllowed(app.allowedIps, request.ip)) return;
  throw AppsProblem.IP_NOT_ALLOWED(request.ip);
}

function signedRequestOf(request: AppRequest): SignedRequest {
  const url = request.raw.url ?? request.url;
  const q = url.indexOf('?');
  return {
    method: request.method,
    path: q < 0 ? url : url.slice(0, q),
    query: q < 0 ? '' : url.slice(q + 1),
    headers: request.headers,
    body: (request as unknown as { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0),
  };
}

/** Discovery works without credentials (public capabilities); with an app's credentials, its restricted subscriptions show too. */
@Injectable()
export class OptionalAppCredentialsGuard extends AppCredentialsGuard {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const h = context.switchToHttp().getRequest<AppRequest>().headers;
    if (!h.authorization && !h['x-gmp-app-key'] && !h['x-bg-hmac-access-key'] && !h['x-client-id']) return true;
    return super.canActivate(context);
  }
}
