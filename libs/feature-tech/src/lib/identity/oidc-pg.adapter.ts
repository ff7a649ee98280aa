import { type DataSource, IsNull } from 'typeorm';
import { OidcPayload } from './oidc-payload.entity.js';

type Payload = Record<string, unknown> & { grantId?: string; userCode?: string; uid?: string; consumed?: number };

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
      return live(await repo().findOneBy({ model: this.model, id }));
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
