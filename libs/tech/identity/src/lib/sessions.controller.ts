import { Controller, Get, Headers, HttpCode, Param, type PipeTransform, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InternalApiGuard } from '@gmp/service-kit';
import { SessionsService } from './sessions.service.js';
import { IdentityProblem } from './identity.problems.js';

/** A citizen account id (uuid) or a staff subject (`staff:<uuid>`), as tokens and sessions name them. */
export class AccountIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^(staff:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
      throw IdentityProblem.INVALID_ACCOUNT_ID();
    }
    return value.toLowerCase();
  }
}

/** Online sessions and forced logout for platform operations (internal token); admins use /v1/identity/admin. */
@ApiTags('identity 统一身份认证 (internal)')
@Controller('internal/v1/accounts/:accountId')
@UseGuards(InternalApiGuard)
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get('sessions')
  @ApiOperation({ summary: '在线会话 (online sessions of an account)' })
  async list(@Param('accountId', new AccountIdPipe()) accountId: string) {
    return { sessions: await this.sessions.list(accountId) };
  }

  @Post('force-logout')
  @HttpCode(200)
  @ApiOperation({ summary: '强制下线 (end all sessions and revoke grants of an account)' })
  forceLogout(@Param('accountId', new AccountIdPipe()) accountId: string, @Headers('x-caller') caller?: string) {
    return this.sessions.forceLogout(accountId, caller ?? 'internal');
  }
}
