import { Logger } from '@nestjs/common';
import { type DataSource, IsNull } from 'typeorm';
import { allowedClientScopes } from '@gmp/identity';
import { OidcPayload } from './oidc-payload.entity.js';

type Payload = Record<string, unknown> & { grantId?: string; userCode?: string; uid?: string; consumed?: number };

const log = new Logger('OidcClients');

/**
 * Every client carries the explicit list of scopes it is allowed (`scope`, space-separated). One
 * without a usable list is not served at all (the provider answers `invalid_client`): to
 * oidc-provider a client without `scope` may ask for any scope, so it must never reach it.
 */
function withAllowedScopes(id: string, payload: Payload): Payload | undefined {
  const allowed = allowedClientScopes(payload['scope']);
  if ('scopes' in allowed) return { ...payload, scope: allowed.scopes.join(' ') };
  const why = allowed.problem === 'MISSING' ? 'no list of allowed scopes' : `unknown scopes ${allowed.unknown!.join(' ')}`;
  log.error(`客户端 ${id} 的允许权限范围缺失或含未知范围，拒绝服务 (client ${id} refused: ${why} in its scope metadata)`);
  return undefined;
}

/**
 * oidc-provider storage adapter on PostgreSQL (the provider's in-memory default loses every
 * session and token on restart and cannot be shared by several instances).
 */
export function pgOidcAdapter(dataSource: DataSource) {
  const repo = () => dataSource.getRepository(OidcPayload);
  const live = (row: OidcPayload | null): Payload | undefined => {
    if (!row || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) return undefined;
    return { ...(row.payload as Payload), ...(row.consumedAt ? { consumed: Math.floor(row.consumedAt.getTime() / 1000) } : {}) };
  };
  return class PgOidcAdapter {
    constructor(readonly model: string) {}

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      await repo().upsert(
        {
          model: this.model,
          id,
          payload: payload as never,
          grantId: payload.grantId ?? null,
          userCode: payload.userCode ?? null,
          uid: payload.uid ?? null,
          expiresAt: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
        },
        ['model', 'id'],
      );
    }

    async find(id: string): Promise<Payload | undefined> {
      const payload = live(await repo().findOneBy({ model: this.model, id }));
      return this.model === 'Client' && payload ? withAllowedScopes(id, payload) : payload;
    }

    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      return live(await repo().findOneBy({ model: this.model, userCode }));
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      return live(await repo().findOneBy({ model: this.model, uid }));
    }

    /** Atomic: of two parallel uses of a code or refresh token, only one consumes it. */
    async consume(id: string): Promise<void> {
      const result = await repo().update({ model: this.model, id, consumedAt: IsNull() }, { consumedAt: new Date() });
      if (!result.affected) throw new Error(`${this.model} already consumed`);
    }

    async destroy(id: string): Promise<void> {
      await repo().delete({ model: this.model, id });
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await repo().delete({ grantId });
    }
  };
}
