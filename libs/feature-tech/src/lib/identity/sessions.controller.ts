import { Controller, Get, Headers, HttpCode, Param, type PipeTransform, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { quoteTablePath } from '@gmp/messaging';
import { InternalApiGuard, ProblemException } from '@gmp/service-kit';
import { IdentityAudit } from './identity-audit.entity.js';
import { OidcPayload } from './oidc-payload.entity.js';

/** A citizen account id (uuid) or a staff subject (`staff:<uuid>`), as tokens and sessions name them. */
class AccountIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^(staff:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
      throw new ProblemException(400, 'INVALID_ACCOUNT_ID', '账户标识无效 (account id must be a uuid or staff:<uuid>)');
    }
    return value.toLowerCase();
  }
}

/** Online sessions (在线用户) of an account and forced logout (强制下线), for identity admins. */
@ApiTags('identity 统一身份认证 (internal)')
@Controller('internal/v1/accounts/:accountId')
@UseGuards(InternalApiGuard)
export class SessionsController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get('sessions')
  @ApiOperation({ summary: '在线会话 (online sessions of an account)' })
  async list(@Param('accountId', new AccountIdPipe()) accountId: string) {
    const rows = await this.dataSource
      .getRepository(OidcPayload)
      .createQueryBuilder('p')
      .where("p.model = 'Session' AND p.payload->>'accountId' = :accountId AND (p.expires_at IS NULL OR p.expires_at > now())", { accountId })
      .getMany();
    return {
      sessions: rows.map((r) => ({
        id: r.id,
        loginAt: typeof r.payload['loginTs'] === 'number' ? new Date((r.payload['loginTs'] as number) * 1000).toISOString() : null,
        clients: Object.keys((r.payload['authorizations'] as Record<string, unknown> | undefined) ?? {}),
        expiresAt: r.expiresAt?.toISOString() ?? null,
      })),
    };
  }

  /** Ends every session of the account and revokes the grants behind its tokens, at once. */
  @Post('force-logout')
  @HttpCode(200)
  @ApiOperation({ summary: '强制下线 (end all sessions and revoke grants of an account)' })
  async forceLogout(@Param('accountId', new AccountIdPipe()) accountId: string, @Headers('x-caller') caller?: string) {
    return this.dataSource.transaction(async (m) => {
      const sessions = await m
        .createQueryBuilder()
        .delete()
        .from(OidcPayload)
        .where("model = 'Session' AND payload->>'accountId' = :accountId", { accountId })
        .execute();
      const grants: { id: string }[] = await m.query(
        `SELECT id FROM ${quoteTablePath(m.getRepository(OidcPayload).metadata.tablePath)} WHERE model = 'Grant' AND payload->>'accountId' = $1`,
        [accountId],
      );
      const grantIds = grants.map((g) => g.id);
      if (grantIds.length > 0) {
        await m.createQueryBuilder().delete().from(OidcPayload).where('grant_id IN (:...ids) OR (model = :grant AND id IN (:...ids))', { ids: grantIds, grant: 'Grant' }).execute();
      }
      await m.insert(IdentityAudit, { id: randomUUID(), event: 'FORCED_LOGOUT', accountId: accountId.replace(/^staff:/, ''), clientId: caller ?? 'internal', remoteAddress: null, detail: `${sessions.affected ?? 0} sessions, ${grantIds.length} grants` });
      return { sessionsEnded: sessions.affected ?? 0, grantsRevoked: grantIds.length };
    });
  }
}
