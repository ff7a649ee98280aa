import { type CanActivate, type ExecutionContext, HttpException, Injectable } from '@nestjs/common';
import type { Principal } from '@gmp/identity';
import { OidcProviderService } from './oidc-provider.service.js';

/**
 * For the identity service's own sensitive APIs (administration, audit): after the shared
 * AccessTokenGuard, also require the grant behind a user's token to still exist, so a logout,
 * a forced logout or a disabled account takes effect at once rather than when the token expires.
 */
@Injectable()
export class LiveGrantGuard implements CanActivate {
  constructor(private readonly oidc: OidcProviderService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const principal = context.switchToHttp().getRequest<{ principal?: Principal }>().principal;
    const gid = principal?.claims['gid'];
    if (typeof gid === 'string' && (await this.oidc.provider.Grant.find(gid))) return true;
    throw new HttpException(
      {
        type: 'urn:gov-mp:problem:token-revoked',
        title: '未认证 (unauthenticated)',
        status: 401,
        code: 'TOKEN_REVOKED',
        detail: '登录已结束或账号已停用 (the session behind this token has ended)',
      },
      401,
    );
  }
}
