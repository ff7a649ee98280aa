import { createPublicKey, type JsonWebKey } from 'node:crypto';

export interface JwksKeyStoreOptions {
  jwksUri: string;
  /** Keys are refetched after this long (default 10 min). */
  maxAgeMs?: number;
  /** Least time between two fetches caused by an unknown key id (default 30 s). */
  cooldownMs?: number;
  timeoutMs?: number;
}

/**
 * The OpenID provider's signing keys, fetched from its JWKS endpoint and kept as PEM by key
 * id. An unknown key id (a rotation) triggers a refetch, at most once per cooldown.
 */
export class JwksKeyStore {
  private keys = new Map<string, string>();
  private fetchedAt = 0;
  private inflight: Promise<void> | null = null;

  constructor(private readonly options: JwksKeyStoreOptions) {}

  async keyFor(kid: string | undefined): Promise<string> {
    const age = Date.now() - this.fetchedAt;
    if (age > (this.options.maxAgeMs ?? 600_000)) await this.refresh();
    let pem = kid ? this.keys.get(kid) : this.keys.size === 1 ? [...this.keys.values()][0] : undefined;
    if (!pem && Date.now() - this.fetchedAt >= (this.options.cooldownMs ?? 30_000)) {
      await this.refresh();
      pem = kid ? this.keys.get(kid) : undefined;
    }
    if (!pem) throw new Error(`unknown signing key ${kid ?? '(no kid)'}`);
    return pem;
  }

  private refresh(): Promise<void> {
    this.inflight ??= (async () => {
      try {
        const res = await fetch(this.options.jwksUri, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 3000) });
        if (!res.ok) throw new Error(`JWKS ${res.status}`);
        const body = (await res.json()) as { keys?: (JsonWebKey & { kid?: string; use?: string })[] };
        const next = new Map<string, string>();
        for (const jwk of body.keys ?? []) {
          if (!jwk.kid || (jwk.use && jwk.use !== 'sig')) continue;
          next.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }).export({ format: 'pem', type: 'spki' }).toString());
        }
        this.keys = next;
        this.fetchedAt = Date.now();
      } finally {
        this.inflight = null;
      }
    })();
    return this.inflight;
  }
}
