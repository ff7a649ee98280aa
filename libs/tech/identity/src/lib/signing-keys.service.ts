import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { type DataSource, IsNull, MoreThan } from 'typeorm';
import { SigningKey } from './signing-key.entity.js';

/** How long a retired key stays published, so tokens it signed still verify. */
const RETIRED_KEY_GRACE_MS = 24 * 3600_000;

/**
 * The OpenID provider's signing keys (RS256: verification is the cheapest, and every service
 * verifies every call). One active key signs; `rotate()` makes a new one active and keeps the
 * old one published for a day.
 */
@Injectable()
export class SigningKeysService {
  private readonly log = new Logger('SigningKeys');

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Private JWKs for the provider: the active key first, then recently retired ones. */
  async keys(): Promise<Record<string, unknown>[]> {
    const repo = this.dataSource.getRepository(SigningKey);
    if ((await repo.countBy({ retiredAt: IsNull() })) === 0) await this.create();
    const active = await repo.find({ where: { retiredAt: IsNull() }, order: { createdAt: 'DESC' } });
    const retired = await repo.find({
      where: { retiredAt: MoreThan(new Date(Date.now() - RETIRED_KEY_GRACE_MS)) },
      order: { createdAt: 'DESC' },
    });
    return [...active, ...retired].map((k) => ({ ...k.privateJwk, kid: k.kid, alg: k.alg, use: 'sig' }));
  }

  /** The public key (PEM) of a published key id, for verifying the provider's own tokens in process. */
  async publicKeyPem(kid: string | undefined): Promise<string> {
    const key = kid ? await this.dataSource.getRepository(SigningKey).findOneBy({ kid }) : null;
    if (!key || (key.retiredAt && key.retiredAt.getTime() < Date.now() - RETIRED_KEY_GRACE_MS))
      throw new Error(`unknown signing key ${kid}`);
    return createPublicKey({ key: key.privateJwk as never, format: 'jwk' })
      .export({ format: 'pem', type: 'spki' })
      .toString();
  }

  /** Creates a new active key and retires the others (the provider picks it up at its next start). */
  async rotate(): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      await manager.update(SigningKey, { retiredAt: IsNull() }, { retiredAt: new Date() });
      return this.create(manager.getRepository(SigningKey));
    });
  }

  private async create(repo = this.dataSource.getRepository(SigningKey)): Promise<string> {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = randomBytes(12).toString('base64url');
    await repo.insert({ kid, alg: 'RS256', privateJwk: privateKey.export({ format: 'jwk' }) as never, retiredAt: null });
    this.log.log(`新签名密钥 (new signing key) ${kid}`);
    return kid;
  }
}
