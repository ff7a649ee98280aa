import { Inject, Injectable } from '@nestjs/common';
import type { CryptoProvider } from '@gmp/gm-crypto';
import { CRYPTO_PROVIDER } from '@gmp/service-kit';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import type { Repository } from 'typeorm';
import { BusinessApp } from './business-app.entity.js';
import { verifySecret } from './secret-hash.util.js';

const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 10_000;

/** Crypto-provider label of apps' HMAC secrets. */
export const HMAC_LABEL = 'dispatch:app-hmac';

export interface SigningApp {
  app: AuthenticatedApp;
  scheme: string;
  secret: Buffer;
}

export interface AuthenticatedApp {
  id: string;
  appKey: string;
  name: string;
  /** The app's signature scheme: such an app must sign its calls (Basic is refused for them). */
  scheme?: string | null;
  /** The app's own limits (null: the platform defaults); absent for OAuth clients. */
  limits?: { ratePerSecond: number | null; quotaPerDay: number | null };
  /** Where the app may call from (null or absent: anywhere). */
  allowedIps?: string[] | null;
}

/**
 * Checks AppKey + AppSecret. scrypt is slow on purpose, so a successful check is cached for
 * 60 s keyed by the secret's SHA-256 (a disabled app is refused within that time).
 */
@Injectable()
export class AppCredentialsService {
  private readonly cache = new Map<string, { app: AuthenticatedApp; until: number }>();

  private readonly signers = new Map<string, { signer: SigningApp | null; until: number }>();

  constructor(
    @InjectRepository(BusinessApp) private readonly apps: Repository<BusinessApp>,
    @Inject(CRYPTO_PROVIDER) private readonly crypto: CryptoProvider,
  ) {}

  /** Drops what this instance remembers of an app (after its limits or status changed here; other instances within 60 s). */
  forget(appKey: string): void {
    this.signers.delete(appKey);
    for (const key of this.cache.keys()) if (key.startsWith(`${appKey}\u0000`)) this.cache.delete(key);
  }

  /** An app's callback: the URL asynchronous answers go to and the encrypted key that signs them (null when it has none). */
  async callbackOf(appKey: string): Promise<{ url: string | null; secretEnc: Buffer | null } | null> {
    const app = await this.apps.findOne({ where: { appKey }, select: { callbackUrl: true, callbackSecretEnc: true } });
    return app ? { url: app.callbackUrl, secretEnc: app.callbackSecretEnc } : null;
  }

  /** An active app that signs requests: its scheme and HMAC secret (decrypted; remembered 60 s), or null. */
  async signingApp(appKey: string): Promise<SigningApp | null> {
    const hit = this.signers.get(appKey);
    if (hit && hit.until > Date.now()) return hit.signer;
    const app = /^[A-Za-z0-9._-]{1,64}$/.test(appKey) ? await this.apps.findOne({ where: { appKey } }) : null;
    const signer =
      app && app.status === 'active' && app.signatureScheme && app.hmacSecretEnc
        ? {
            app: {
              id: app.id,
              appKey: app.appKey,
              name: app.name,
              limits: { ratePerSecond: app.ratePerSecond, quotaPerDay: app.quotaPerDay },
              allowedIps: app.allowedIps,
            },
            scheme: app.signatureScheme,
            secret: this.crypto.decrypt(HMAC_LABEL, app.hmacSecretEnc, app.appKey),
          }
        : null;
    if (this.signers.size >= CACHE_MAX) this.signers.delete(this.signers.keys().next().value!);
    this.signers.set(appKey, { signer, until: Date.now() + CACHE_TTL_MS });
    return signer;
  }

  async authenticate(appKey: string, secret: string): Promise<AuthenticatedApp | null> {
    const cacheKey = `${appKey}\u0000${createHash('sha256').update(secret).digest('base64')}`;
    const hit = this.cache.get(cacheKey);
    if (hit && hit.until > Date.now()) return hit.app;
    const app = await this.apps.findOne({ where: { appKey } });
    if (!app || app.status !== 'active' || !(await verifySecret(secret, app.secretHash))) return null;
    const authenticated = {
      id: app.id,
      appKey: app.appKey,
      name: app.name,
      scheme: app.signatureScheme,
      limits: { ratePerSecond: app.ratePerSecond, quotaPerDay: app.quotaPerDay },
      allowedIps: app.allowedIps,
    };
    if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(cacheKey, { app: authenticated, until: Date.now() + CACHE_TTL_MS });
    return authenticated;
  }
}
