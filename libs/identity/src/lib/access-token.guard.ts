import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  HttpException,
  Inject,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AccessTokenVerifier, TokenRejected } from './access-token.verifier.js';
import type { AssuranceLevel, Principal } from './principal.js';

const REQUIRED_SCOPES = 'gmp:identity:scopes';
const REQUIRED_ASSURANCE = 'gmp:identity:assurance';
const REQUIRED_PERMISSIONS = 'gmp:identity:permissions';

/** The handler needs every one of these OAuth scopes. */
export const RequireScopes = (...scopes: string[]) => SetMetadata(REQUIRED_SCOPES, scopes);
/** The handler needs a login of at least this level of assurance. */
export const RequireAssurance = (level: AssuranceLevel) => SetMetadata(REQUIRED_ASSURANCE, level);
/** The handler needs a staff token whose roles grant every one of these permissions. */
export const RequirePermissions = (...permissions: string[]) => SetMetadata(REQUIRED_PERMISSIONS, permissions);
/** The verified caller (set by AccessTokenGuard). */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<{ principal?: Principal }>().principal,
);

/**
 * The one guard every service uses for access tokens: verifies the bearer token locally
 * (cached JWKS), then the scopes and level of assurance the handler requires. Answers 401 /
 * 403 as problem+json with an RFC 6750 WWW-Authenticate header.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    @Inject(AccessTokenVerifier) private readonly verifier: AccessTokenVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<{ headers: Record<string, string | undefined>; principal?: Principal }>();
    const reply = http.getResponse<{ header(name: string, value: string): unknown }>();
    const header = request.headers['authorization'];
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    let principal: Principal;
    try {
      principal = await this.verifier.verify(token);
    } catch (err) {
      const rejected = err instanceof TokenRejected ? err : new TokenRejected('INVALID', '访问令牌无效 (invalid access token)');
      reply.header(
        'www-authenticate',
        rejected.reason === 'MISSING' ? 'Bearer' : `Bearer error="invalid_token", error_description="${rejected.reason}"`,
      );
      throw problem(401, `TOKEN_${rejected.reason}`, '未认证 (unauthenticated)', rejected.message);
    }
    const scopes =
      this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, [context.getHandler(), context.getClass()]) ?? [];
    const missing = scopes.filter((s) => !principal.scopes.includes(s));
    if (missing.length > 0) {
      reply.header('www-authenticate', `Bearer error="insufficient_scope", scope="${scopes.join(' ')}"`);
      throw problem(403, 'INSUFFICIENT_SCOPE', '权限不足 (insufficient scope)', `缺少 (missing): ${missing.join(' ')}`);
    }
    const level = this.reflector.getAllAndOverride<AssuranceLevel | undefined>(REQUIRED_ASSURANCE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (level !== undefined && (principal.assurance ?? 0) < level) {
      throw problem(
        403,
        'INSUFFICIENT_ASSURANCE',
        '身份认证等级不足 (level of assurance too low)',
        `需要 (required) ${level}, 当前 (token) ${principal.assurance ?? 'none'}`,
      );
    }
    const permissions =
      this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_PERMISSIONS, [context.getHandler(), context.getClass()]) ?? [];
    const lacking = permissions.filter((p) => !principal.permissions.includes(p));
    if (lacking.length > 0) {
      throw problem(403, 'PERMISSION_DENIED', '无此操作权限 (permission denied)', `缺少权限 (missing permission): ${lacking.join(' ')}`);
    }
    request.principal = principal;
    return true;
  }
}

function problem(status: number, code: string, title: string, detail: string): HttpException {
  return new HttpException({ type: `urn:gov-mp:problem:${code.toLowerCase().replace(/_/g, '-')}`, title, status, code, detail }, status);
}
