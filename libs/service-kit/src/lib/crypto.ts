import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { type CryptoProvider, SoftwareCryptoProvider } from '@gmp/gm-crypto';
import type { ServiceConfig } from './service-config.js';

/** Injection token of the service's crypto provider (`@Inject(CRYPTO_PROVIDER) crypto: CryptoProvider`). */
export const CRYPTO_PROVIDER = Symbol('CRYPTO_PROVIDER');

/** The software provider keyed by CRYPTO_MASTER_KEY (in development, by a key derived from SUBJECT_KEY_SECRET). */
export function cryptoProviderOf(config: ServiceConfig): CryptoProvider {
  if (config.CRYPTO_MASTER_KEY) {
    const raw = config.CRYPTO_MASTER_KEY;
    return new SoftwareCryptoProvider(
      /^[0-9a-fA-F]+$/.test(raw) && raw.length % 2 === 0 ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64'),
    );
  }
  new Logger('Crypto').warn(
    '未设置 CRYPTO_MASTER_KEY，使用由 SUBJECT_KEY_SECRET 派生的开发密钥 (CRYPTO_MASTER_KEY unset: using a development key derived from SUBJECT_KEY_SECRET)',
  );
  return new SoftwareCryptoProvider(createHash('sha256').update(`dev-only-crypto-master:${config.SUBJECT_KEY_SECRET}`).digest());
}
