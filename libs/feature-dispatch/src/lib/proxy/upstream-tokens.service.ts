import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import * as oidc from 'openid-client';
import type { CryptoProvider } from '@gmp/gm-crypto';
import { CRYPTO_PROVIDER, ProblemException } from '@gmp/service-kit';
import { DispatchConfig } from '../dispatch.config.js';
import { notSent } from './not-sent.util.js';
import { ProxyProblem } from './proxy.problems.js';
import { checkUpstreamAddress } from './upstream-address.util.js';
import { openUpstreamSecret } from './upstream-secret.util.js';
import type { Upstream } from './upstream.entity.js';

/**
 * OAuth 2.0 client-credentials tokens for upstreams (openid-client): one token per upstream and
 * instance, fetched once for concurrent calls, renewed 30 s before it expires or when the
 * upstream refuses it. The token endpoint is held to the same address rules as the upstream.
 */
@Injectable()
export class UpstreamTokensService {
  /** By what the token is for: the code and every setting that makes a token (another registration, another token). */
  private readonly held = new Map<string, { token: string; until: number }>();
  private readonly pending = new Map<string, Promise<string>>();
  /** Each loaded upstream's cache key, computed once (not at every call). */
  private readonly keys = new WeakMap<Upstream, string>();

  constructor(
    @Inject(CRYPTO_PROVIDER) private readonly crypto: CryptoProvider,
    private readonly config: DispatchConfig,
  ) {}

  forget(code: string): void {
    for (const key of [...this.held.keys(), ...this.pending.keys()]) {
      if (key.startsWith(`${code}\u0000`)) {
        this.held.delete(key);
        this.pending.delete(key);
      }
    }
  }

  /** The upstream's token; a caller waits at most until its own deadline (504, nothing sent), the shared fetch its own timeout. */
  async tokenFor(upstream: Upstream, deadline: number): Promise<string> {
    let key = this.keys.get(upstream);
    if (key === undefined)
      this.keys.set(
        upstream,
        (key = [
          upstream.code,
          upstream.oauthTokenUrl,
          upstream.oauthClientId,
          upstream.oauthScope ?? '',
          createHash('sha256')
            .update(upstream.authSecretEnc ?? Buffer.alloc(0))
            .digest('hex'),
        ].join('\u0000')),
      );
    const held = this.held.get(key);
    if (held && held.until > Date.now()) return held.token;
    let pending = this.pending.get(key);
    if (!pending) {
      pending = this.fetchToken(upstream, key).finally(() => {
        if (this.pending.get(key) === pending) this.pending.delete(key);
      });
      pending.catch(() => undefined); // answered to each waiting caller below
      this.pending.set(key, pending);
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(notSent(ProxyProblem.UPSTREAM_TIMEOUT(`${upstream.code}: token endpoint`))),
        Math.max(1, deadline - Date.now()),
      );
    });
    try {
      return await Promise.race([pending, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async fetchToken(upstream: Upstream, key: string): Promise<string> {
    const tokenUrl = new URL(upstream.oauthTokenUrl!);
    const config = new oidc.Configuration(
      { issuer: tokenUrl.origin, token_endpoint: tokenUrl.toString() },
      upstream.oauthClientId!,
      undefined,
      oidc.ClientSecretBasic(openUpstreamSecret(this.crypto, upstream)),
    );
    if (tokenUrl.protocol === 'http:') oidc.allowInsecureRequests(config);
    config[oidc.customFetch] = async (url, options) => {
      await checkUpstreamAddress(new URL(url).hostname, this.config);
      return fetch(url, { ...options, redirect: 'manual', signal: AbortSignal.timeout(upstream.timeoutMs) } as RequestInit);
    };
    let answer: Awaited<ReturnType<typeof oidc.clientCredentialsGrant>>;
    try {
      answer = await oidc.clientCredentialsGrant(config, upstream.oauthScope ? { scope: upstream.oauthScope } : {});
    } catch (err) {
      // The upstream itself was not called: its callers' idempotency keys stay free.
      const cause = (err as { cause?: unknown }).cause;
      if (err instanceof ProblemException) throw notSent(err);
      if (cause instanceof ProblemException) throw notSent(cause);
      const e = err as { name?: string; code?: string; error?: string; status?: number; cause?: { name?: string } };
      if (e.name === 'TimeoutError' || e.cause?.name === 'TimeoutError')
        throw notSent(ProxyProblem.UPSTREAM_TIMEOUT(`${upstream.code}: token endpoint`));
      throw notSent(
        ProxyProblem.UPSTREAM_AUTH_FAILED(
          `${upstream.code}: ${e.error ?? e.code ?? e.name ?? 'error'}${e.status ? ` (HTTP ${e.status})` : ''}`,
        ),
      );
    }
    const lifetime = typeof answer.expires_in === 'number' ? answer.expires_in : 300;
    if (this.held.size > 1_000) this.held.clear();
    this.held.set(key, { token: answer.access_token, until: Date.now() + Math.max(0, lifetime - 30) * 1000 });
    return answer.access_token;
  }
}
