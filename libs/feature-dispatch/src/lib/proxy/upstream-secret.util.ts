import type { CryptoProvider } from '@gmp/gm-crypto';
import type { Upstream } from './upstream.entity.js';

/** The crypto provider's label for upstream keys and client secrets; the upstream's code is bound as aad. */
const SECRET_LABEL = 'dispatch:upstream';

/** A static key or OAuth client secret, encrypted for `upstream.auth_secret_enc`. */
export function sealUpstreamSecret(crypto: CryptoProvider, code: string, secret: string): Buffer {
  return crypto.encrypt(SECRET_LABEL, secret, code);
}

/** The upstream's static key or OAuth client secret, decrypted (the caller checked `authSecretEnc` is set). */
export function openUpstreamSecret(crypto: CryptoProvider, upstream: Pick<Upstream, 'code' | 'authSecretEnc'>): string {
  return crypto.decrypt(SECRET_LABEL, upstream.authSecretEnc!, upstream.code).toString();
}
