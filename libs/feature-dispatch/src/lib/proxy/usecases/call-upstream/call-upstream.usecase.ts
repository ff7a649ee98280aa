import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { CryptoProvider } from '@gmp/gm-crypto';
import { CRYPTO_PROVIDER, relayedProblem } from '@gmp/service-kit';
import { DispatchConfig } from '../../../dispatch.config.js';
import { SharedProblem } from '../../../shared/shared.problems.js';
import { notSent } from '../../not-sent.util.js';
import { ProxyProblem } from '../../proxy.problems.js';
import { checkUpstreamAddress } from '../../upstream-address.util.js';
import { openUpstreamSecret } from '../../upstream-secret.util.js';
import { UpstreamTokensService } from '../../upstream-tokens.service.js';
import type { Upstream } from '../../upstream.entity.js';
import { UpstreamsService } from '../../upstreams.service.js';
import type { CallUpstreamCommand } from './call-upstream.command.js';

const MAX_ANSWER = 4 * 1024 * 1024;

/**
 * The interface proxy (接口代理): registered upstream HTTP APIs called as capabilities. Dispatch
 * injects the upstream's credentials, maps request and answer (JSONata), caches answers per
 * instance, waits at most the upstream's timeout, and never calls anything not registered —
 * nor an address in a forbidden range, checked again at every call (SSRF).
 */
@Injectable()
export class CallUpstream {
  /** Static keys decrypted once per loaded upstream. */
  private readonly keys = new WeakMap<Upstream, string>();
  private readonly cache = new Map<string, { answer: object; until: number }>();

  constructor(
    @Inject(CRYPTO_PROVIDER) private readonly crypto: CryptoProvider,
    private readonly config: DispatchConfig,
    private readonly upstreams: UpstreamsService,
    private readonly tokens: UpstreamTokensService,
  ) {}

  /** Calls the upstream for a validated input and returns the mapped answer. */
  async execute({ upstream, input, correlationId, timeoutMs = upstream.timeoutMs }: CallUpstreamCommand): Promise<object> {
    const mapped = (upstream.requestMapping ? await this.mapped(upstream, upstream.requestMapping, input) : input) as
      Record<string, unknown> | undefined;
    const cacheKey = `${upstream.code}\u0000${createHash('sha256')
      .update(JSON.stringify(mapped ?? null))
      .digest('hex')}`;
    const cached = upstream.cacheTtlSeconds > 0 ? this.cache.get(cacheKey) : undefined;
    if (cached && cached.until > Date.now()) return cached.answer;

    const url = new URL(`${upstream.baseUrl}${upstream.path}`);
    try {
      await checkUpstreamAddress(url.hostname, this.config);
    } catch (err) {
      throw notSent(err as object);
    }
    if (upstream.method === 'GET' && mapped) for (const [k, v] of Object.entries(mapped)) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json', 'x-correlation-id': correlationId };
    if (upstream.method === 'POST') headers['content-type'] = 'application/json';
    if (upstream.authKind === 'static-key' && upstream.authHeader && upstream.authSecretEnc) {
      let key = this.keys.get(upstream);
      if (key === undefined) this.keys.set(upstream, (key = openUpstreamSecret(this.crypto, upstream)));
      headers[upstream.authHeader] = key;
    }
    const deadline = Date.now() + timeoutMs;
    const send = async (): Promise<Response> => {
      if (upstream.authKind === 'oauth-client-credentials')
        headers['authorization'] = `Bearer ${await this.tokens.tokenFor(upstream, deadline)}`;
      try {
        return await fetch(url, {
          method: upstream.method,
          headers,
          ...(upstream.method === 'POST' ? { body: JSON.stringify(mapped ?? {}) } : {}),
          redirect: 'manual',
          signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
        });
      } catch (err) {
        if ((err as Error).name === 'TimeoutError') throw ProxyProblem.UPSTREAM_TIMEOUT(`${upstream.code}: ${timeoutMs} ms`);
        throw ProxyProblem.UPSTREAM_UNREACHABLE(upstream.code);
      }
    };
    let res = await send();
    if (res.status === 401 && upstream.authKind === 'oauth-client-credentials' && deadline - Date.now() > 50) {
      // The token was revoked or rotated early: one new token, one more try.
      await res.body?.cancel();
      this.tokens.forget(upstream.code);
      res = await send();
    }
    const text = await res.text();
    if (text.length > MAX_ANSWER) throw ProxyProblem.UPSTREAM_BAD_ANSWER(`上游接口应答过大 (upstream answer too large): ${upstream.code}`);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      throw ProxyProblem.UPSTREAM_BAD_ANSWER(`上游接口应答不是 JSON (upstream answer is not JSON): ${upstream.code}`);
    }
    if (res.status >= 300) {
      // The upstream's refusal travels as a 4xx of ours (its words, not its headers); its failures as 502.
      if (res.status === 401 || res.status === 403) throw ProxyProblem.UPSTREAM_REFUSED(`${upstream.code}: HTTP ${res.status}`);
      // Any other refusal keeps the upstream's status: the vocabulary's code and title, built as is.
      if (res.status >= 400 && res.status < 500)
        throw relayedProblem({
          status: res.status,
          code: ProxyProblem.UPSTREAM_REFUSED.code,
          title: ProxyProblem.UPSTREAM_REFUSED.title,
          detail: `${upstream.code}: HTTP ${res.status}`,
        });
      throw ProxyProblem.UPSTREAM_ERROR(`${upstream.code}: HTTP ${res.status}`);
    }
    const answer = (upstream.responseMapping ? await this.mapped(upstream, upstream.responseMapping, body) : body) as unknown;
    if (typeof answer !== 'object' || answer === null || Array.isArray(answer))
      throw ProxyProblem.UPSTREAM_BAD_ANSWER(`上游应答映射后不是对象 (mapped answer is not an object): ${upstream.code}`);
    if (upstream.cacheTtlSeconds > 0) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(cacheKey, { answer, until: Date.now() + upstream.cacheTtlSeconds * 1000 });
    }
    return answer;
  }

  /** A mapping evaluated under the JSONata limits; its failure is a 502 of the proxy's (the caller's input passed the schema). */
  private async mapped(upstream: Upstream, expression: string, value: unknown): Promise<unknown> {
    try {
      return await this.upstreams.compiled.evaluate(expression, value);
    } catch (err) {
      throw SharedProblem.MAPPING_FAILED(
        `接口代理的映射失败 (the proxy mapping failed): ${`${upstream.code}: ${(err as { code?: string }).code ?? ''} ${(err as Error).message ?? ''}`.slice(0, 300)}`,
      );
    }
  }
}
