import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import type { Repository } from 'typeorm';
import { BusinessApp } from './business-app.entity.js';
import { verifySecret } from './secret-hash.util.js';

const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 10_000;

export interface AuthenticatedApp {
  id: string;
  appKey: string;
  name: string;
}

/**
 * Checks AppKey + AppSecret. scrypt is slow on purpose, so a successful check is cached for
 * 60 s keyed by the secret's SHA-256 (a disabled app is refused within that time).
 */
@Injectable()
export class AppCredentialsService {
  private readonly cache = new Map<string, { app: AuthenticatedApp; until: number }>();

  constructor(@InjectRepository(BusinessApp) private readonly apps: Repository<BusinessApp>) {}

  async authenticate(appKey: string, secret: string): Promise<AuthenticatedApp | null> {
    const cacheKey = `${appKey}\u0000${createHash('sha256').update(secret).digest('base64')}`;
    const hit = this.cache.get(cacheKey);
    if (hit && hit.until > Date.now()) return hit.app;
    const app = await this.apps.findOne({ where: { appKey } });
    if (!app || app.status !== 'active' || !(await verifySecret(secret, app.secretHash))) return null;
    const authenticated = { id: app.id, appKey: app.appKey, name: app.name };
    if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(cacheKey, { app: authenticated, until: Date.now() + CACHE_TTL_MS });
    return authenticated;
  }
}
