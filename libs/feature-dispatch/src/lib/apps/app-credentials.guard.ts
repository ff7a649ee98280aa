import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { enrichContext } from '@gmp/observability';
import { ProblemException } from '@gmp/service-kit';
import { AppCredentialsService, type AuthenticatedApp } from './app-credentials.service.js';

export type AppRequest = FastifyRequest & { app?: AuthenticatedApp };

/** Business-line app credentials: `Authorization: Basic base64(AppKey:AppSecret)`. */
@Injectable()
export class AppCredentialsGuard implements CanActivate {
  constructor(private readonly credentials: AppCredentialsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AppRequest>();
    const header = request.headers.authorization;
    if (!header || !header.startsWith('Basic ')) {
      throw unauthenticated('缺少应用凭证 (missing app credentials: Authorization: Basic base64(AppKey:AppSecret))');
    }
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw unauthenticated('应用凭证格式错误 (malformed app credentials)');
    const app = await this.credentials.authenticate(decoded.slice(0, colon), decoded.slice(colon + 1));
    if (!app) throw unauthenticated('应用凭证无效或应用已停用 (invalid credentials or app disabled)');
    request.app = app;
    enrichContext({ app: app.appKey });
    return true;
  }
}

function unauthenticated(detail: string): ProblemException {
  return new ProblemException(401, 'UNAUTHENTICATED', '未认证 (unauthenticated)', detail);
}
