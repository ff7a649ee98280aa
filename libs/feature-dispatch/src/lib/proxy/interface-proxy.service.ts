import { createHash } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ValidateFunction } from 'ajv';
import * as oidc from 'openid-client';
import type { DataSource } from 'typeorm';
import { findCapability } from '@gmp/contracts';
import type { CryptoProvider } from '@gmp/gm-crypto';
import { CRYPTO_PROVIDER, ProblemException, relayedProblem } from '@gmp/service-kit';
import { CapabilityVersion } from '../registry/capability-version.entity.js';
import { RegistryProblem } from '../registry/registry.problems.js';
import { CompiledCache } from '../shared/compiled.cache.js';
import { SharedProblem } from '../shared/shared.problems.js';
import { ProxyProblem } from './proxy.problems.js';
import { Upstream } from './upstream.entity.js';
import { CapabilityRegistryService } from '../registry/capability-registry.service.js';
import { DispatchConfig } from '../dispatch.config.js';

const SECRET_LABEL = 'dispatch:upstream';
const MAX_ANSWER = 4 * 1024 * 1024;

/** Addresses an upstream may never be (cloud metadata, link-local, unspecified, multicast). */
const NEVER = new BlockList();
NEVER.addSubnet('169.254.0.0', 16);
NEVER.addSubnet('0.0.0.0', 8);
NEVER.addSubnet('224.0.0.0', 4);
NEVER.addSubnet('fe80::', 10, 'ipv6');
NEVER.addAddress('::', 'ipv6');
// IPv4 reached through IPv6 translation (NAT64, 6to4) could be anything, metadata included.
NEVER.addSubnet('64:ff9b::', 96, 'ipv6');
NEVER.addSubnet('2002::', 16, 'ipv6');
/** Internal addresses: allowed only with PROXY_ALLOW_PRIVATE (government extranet upstreams usually are). */
const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['127.0.0.0', 8],
  ['100.64.0.0', 10],
] as const)
  PRIVATE.addSubnet(net, bits);
PRIVATE.addAddress('::1', 'ipv6');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');

export type UpstreamAuth =
  | { kind: 'none' }
  | { kind: 'static-key'; header: string; value: string }
  | { kind: 'oauth-client-credentials'; tokenUrl: string; clientId: string; clientSecret: string; scope?: string };

export interface RegisterUpstream {
  code: string;
  name: string;
  ownerDepartment: string;
  baseUrl: string;
  path: string;
  method: 'GET' | 'POST';
  auth: UpstreamAuth;
  timeoutMs: number;
  cacheTtlSeconds: number;
  requestMapping?: string;
  responseMapping?: string;
  inputSchema: Record<string, unknown>;
}

/**
 * The interface proxy (接口代理): registered upstream HTTP APIs called as capabilities. Dispatch
 * injects the upstream's credentials, maps request and answer (JSONata), caches answers per
 * instance, waits at most the upstream's timeout, and never calls anything not registered —
 * nor an address in a forbidden range, checked again at every call (SSRF).
 */
@Injectable()
export class InterfaceProxyService {
  private readonly compiled = new CompiledCache();
  /** Static keys decrypted once per loaded upstream. */
  private readonly keys = new WeakMap<Upstream, string>();
  private readonly upstreams = new Map<string, { upstream: Upstream | null; validate?: ValidateFunction; until: number }>();
  private readonly cache = new Map<string, { answer: object; until: number }>();
  private readonly tokens: UpstreamTokens;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CRYPTO_PROVIDER) private readonly crypto: CryptoProvider,
    private readonly config: DispatchConfig,
    private readonly registry: CapabilityRegistryService,
  ) {
    this.tokens = new UpstreamTokens(
      (u) => this.crypto.decrypt(SECRET_LABEL, u.authSecretEnc!, u.code).toString(),
      (host) => this.checkAddress(host),
    );
  }

  async register(r: RegisterUpstream, by: string): Promise<Upstream> {
    const url = this.checkTarget(r.baseUrl);
    await this.checkAddress(url.hostname);
    // The token endpoint is a target too: the same rules.
    const tokenUrl = r.auth.kind === 'oauth-client-credentials' ? this.checkTarget(r.auth.tokenUrl) : null;
    if (tokenUrl) await this.checkAddress(tokenUrl.hostname);
    for (const expr of [r.requestMapping, r.responseMapping]) {
      if (expr === undefined) continue;
      try {
        this.compiled.expression(expr);
      } catch (err) {
        throw ProxyProblem.INVALID_MAPPING((err as Error).message);
      }
    }
    try {
      this.compiled.validator(r.inputSchema);
    } catch (err) {
      throw ProxyProblem.INVALID_SCHEMA((err as Error).message);
    }
    const upstream: Upstream = {
      code: r.code,
      name: r.name,
      ownerDepartment: r.ownerDepartment,
      baseUrl: url.toString().replace(/\/$/, ''),
      path: r.path,
      method: r.method,
      authKind: r.auth.kind,
      authHeader: r.auth.kind === 'static-key' ? r.auth.header : null,
      authSecretEnc:
        r.auth.kind === 'static-key'
          ? this.crypto.encrypt(SECRET_LABEL, r.auth.value, r.code)
          : r.auth.kind === 'oauth-client-credentials'
            ? this.crypto.encrypt(SECRET_LABEL, r.auth.clientSecret, r.code)
            : null,
      oauthTokenUrl: tokenUrl ? tokenUrl.toString() : null,
      oauthClientId: r.auth.kind === 'oauth-client-credentials' ? r.auth.clientId : null,
      oauthScope: r.auth.kind === 'oauth-client-credentials' ? (r.auth.scope ?? null) : null,
      timeoutMs: r.timeoutMs,
      cacheTtlSeconds: r.cacheTtlSeconds,
      requestMapping: r.requestMapping ?? null,
      responseMapping: r.responseMapping ?? null,
      inputSchema: r.inputSchema,
      createdAt: new Date(),
    };
    if (findCapability(r.code)) throw RegistryProblem.CAPABILITY_CODE_TAKEN(r.code);
    // Published in the registry like any capability (discovery, status, grants). Re-registering an
    // upstream replaces it; a composite's code is not an upstream's to take.
    const listed: CapabilityVersion = {
      code: r.code,
      version: '1',
      name: r.name,
      description: `接口代理 (interface proxy) → ${url.host}${r.path}`,
      ownerDepartment: r.ownerDepartment,
      provider: `proxy:${by}`.slice(0, 64),
      topic: 'http',
      timeoutMs: r.timeoutMs,
      idempotent: r.method === 'GET',
      inputSchema: r.inputSchema,
      outputSchema: { type: 'object' },
      example: null,
      status: 'active',
      visibility: 'public',
      statusReason: null,
      statusBy: by,
      announcedAt: new Date(),
    };
    await this.dataSource.transaction((m) =>
      this.registry.listOwn(m, listed, { replace: true, store: () => m.getRepository(Upstream).save(upstream) }),
    );
    this.upstreams.delete(r.code);
    this.tokens.forget(r.code);
    return upstream;
  }

  /** The upstream behind a capability code, or null (remembered 2 s per instance). */
  async find(code: string): Promise<{ upstream: Upstream; validate: ValidateFunction } | null> {
    let hit = this.upstreams.get(code);
    if (!hit || hit.until < Date.now()) {
      const upstream = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/.test(code)
        ? await this.dataSource.getRepository(Upstream).findOneBy({ code })
        : null;
      hit = { upstream, ...(upstream ? { validate: this.compiled.validator(upstream.inputSchema) } : {}), until: Date.now() + 2_000 };
      this.upstreams.set(code, hit);
    }
    return hit.upstream ? { upstream: hit.upstream, validate: hit.validate! } : null;
  }

  /** Calls the upstream for a validated input and returns the mapped answer. */
  async call(upstream: Upstream, input: object, correlationId: string, timeoutMs = upstream.timeoutMs): Promise<object> {
    const mapped = (upstream.requestMapping ? await this.mapped(upstream, upstream.requestMapping, input) : input) as
      Record<string, unknown> | undefined;
    const cacheKey = `${upstream.code}\u0000${createHash('sha256')
      .update(JSON.stringify(mapped ?? null))
      .digest('hex')}`;
    const cached = upstream.cacheTtlSeconds > 0 ? this.cache.get(cacheKey) : undefined;
    if (cached && cached.until > Date.now()) return cached.answer;

    const url = new URL(`${upstream.baseUrl}${upstream.path}`);
    try {
      await this.checkAddress(url.hostname);
    } catch (err) {
      throw notSent(err as object);
    }
    if (upstream.method === 'GET' && mapped) for (const [k, v] of Object.entries(mapped)) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json', 'x-correlation-id': correlationId };
    if (upstream.method === 'POST') headers['content-type'] = 'application/json';
    if (upstream.authKind === 'static-key' && upstream.authHeader && upstream.authSecretEnc) {
      let key = this.keys.get(upstream);
      if (key === undefined)
        this.keys.set(upstream, (key = this.crypto.decrypt(SECRET_LABEL, upstream.authSecretEnc, upstream.code).toString()));
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
      return await this.compiled.evaluate(expression, value);
    } catch (err) {
      throw SharedProblem.MAPPING_FAILED(
        `接口代理的映射失败 (the proxy mapping failed): ${`${upstream.code}: ${(err as { code?: string }).code ?? ''} ${(err as Error).message ?? ''}`.slice(0, 300)}`,
      );
    }
  }

  /** http(s), no credentials, no query or fragment; the host allowed by PROXY_ALLOWED_HOSTS when set. */
  private checkTarget(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw ProxyProblem.UPSTREAM_FORBIDDEN(raw);
    }
    if (url.toString().length > 512)
      throw ProxyProblem.UPSTREAM_FORBIDDEN(`上游地址过长 (upstream URL over 512 characters once normalised): ${raw.slice(0, 80)}`);
    if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password || url.search || url.hash)
      throw ProxyProblem.UPSTREAM_FORBIDDEN(`上游地址须为不含用户名、查询串的 http(s) 地址 (http(s), no credentials, no query): ${raw}`);
    const allowed = (this.config.PROXY_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean);
    if (allowed.length > 0 && !allowed.includes(url.hostname.toLowerCase()))
      throw ProxyProblem.UPSTREAM_FORBIDDEN(`上游主机不在允许列表中 (host not in PROXY_ALLOWED_HOSTS): ${url.hostname}`);
    return url;
  }

  /** Resolves the host (every call: no DNS rebinding to a forbidden address) and refuses forbidden ranges. Also for callbacks. */
  async checkAddress(hostname: string): Promise<void> {
    const host = hostname.replace(/^\[|\]$/g, '');
    let addresses: { address: string; family: number }[];
    try {
      addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true });
    } catch {
      throw ProxyProblem.UPSTREAM_UNREACHABLE(`上游主机无法解析 (upstream host does not resolve): ${host}`);
    }
    for (const { address, family } of addresses) {
      const type = family === 6 ? 'ipv6' : 'ipv4';
      if (NEVER.check(address, type) || (!this.config.PROXY_ALLOW_PRIVATE && PRIVATE.check(address, type))) {
        throw ProxyProblem.UPSTREAM_FORBIDDEN(
          `上游地址属于禁止的网段 (upstream address in a forbidden range): ${host} → ${address}${this.config.PROXY_ALLOW_PRIVATE ? '' : ' (内网地址需 PROXY_ALLOW_PRIVATE=true)'}`,
        );
      }
    }
  }
}

/**
 * OAuth 2.0 client-credentials tokens for upstreams (openid-client): one token per upstream and
 * instance, fetched once for concurrent calls, renewed 30 s before it expires or when the
 * upstream refuses it. The token endpoint is held to the same address rules as the upstream.
 */
class UpstreamTokens {
  /** By what the token is for: the code and every setting that makes a token (another registration, another token). */
  private readonly held = new Map<string, { token: string; until: number }>();
  private readonly pending = new Map<string, Promise<string>>();
  /** Each loaded upstream's cache key, computed once (not at every call). */
  private readonly keys = new WeakMap<Upstream, string>();

  constructor(
    private readonly secretOf: (u: Upstream) => string,
    private readonly checkAddress: (host: string) => Promise<void>,
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
      oidc.ClientSecretBasic(this.secretOf(upstream)),
    );
    if (tokenUrl.protocol === 'http:') oidc.allowInsecureRequests(config);
    config[oidc.customFetch] = async (url, options) => {
      await this.checkAddress(new URL(url).hostname);
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

/** Marks a failure that happened before the upstream was called (its Idempotency-Key is freed). */
export function notSent<E extends object>(err: E): E {
  return Object.assign(err, { notSent: true });
}
