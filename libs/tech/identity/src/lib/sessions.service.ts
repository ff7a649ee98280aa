import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { quoteTablePath } from '@gmp/messaging';
import { IdentityAudit } from './identity-audit.entity.js';
import { OidcPayload } from './oidc-payload.entity.js';

export interface OnlineSession {
  id: string;
  loginAt: string | null;
  clients: string[];
  expiresAt: string | null;
}

/** Online sessions (在线用户) of an account and forced logout (强制下线). */
@Injectable()
export class SessionsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** `accountId`: a citizen account id or a staff subject (`staff:<id>`). */
  async list(accountId: string): Promise<OnlineSession[]> {
    const rows = await this.dataSource
      .getRepository(OidcPayload)
      .createQueryBuilder('p')
      .where("p.model = 'Session' AND p.payload->>'accountId' = :accountId AND (p.expires_at IS NULL OR p.expires_at > now())", {
        accountId,
      })
      .getMany();
    return rows.map((r) => ({
      id: r.id,
      loginAt: typeof r.payload['loginTs'] === 'number' ? new Date((r.payload['loginTs'] as number) * 1000).toISOString() : null,
      clients: Object.keys((r.payload['authorizations'] as Record<string, unknown> | undefined) ?? {}),
      expiresAt: r.expiresAt?.toISOString() ?? null,
    }));
  }

  /** Ends every session of the account and revokes the grants behind its tokens, at once, audited. */
  async forceLogout(accountId: string, by: string): Promise<{ sessionsEnded: number; grantsRevoked: number }> {
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
        await m
          .createQueryBuilder()
          .delete()
          .from(OidcPayload)
          .where('grant_id IN (:...ids) OR (model = :grant AND id IN (:...ids))', { ids: grantIds, grant: 'Grant' })
          .execute();
      }
      await m.insert(IdentityAudit, {
        id: randomUUID(),
        event: 'FORCED_LOGOUT',
        accountId: accountId.replace(/^staff:/, ''),
        clientId: by.slice(0, 64),
        remoteAddress: null,
        detail: `${sessions.affected ?? 0} sessions, ${grantIds.length} grants`,
      });
      return { sessionsEnded: sessions.affected ?? 0, grantsRevoked: grantIds.length };
    });
  }
}
