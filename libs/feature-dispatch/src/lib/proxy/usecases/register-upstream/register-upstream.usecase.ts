import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { findCapability } from '@gmp/contracts';
import type { CryptoProvider } from '@gmp/gm-crypto';
import { CRYPTO_PROVIDER } from '@gmp/service-kit';
import { DispatchConfig } from '../../../dispatch.config.js';
import { CapabilityRegistryService } from '../../../registry/capability-registry.service.js';
import type { CapabilityVersion } from '../../../registry/capability-version.entity.js';
import { RegistryProblem } from '../../../registry/registry.problems.js';
import { ProxyProblem } from '../../proxy.problems.js';
import { checkUpstreamAddress, checkUpstreamTarget } from '../../upstream-address.util.js';
import { sealUpstreamSecret } from '../../upstream-secret.util.js';
import { UpstreamTokensService } from '../../upstream-tokens.service.js';
import { Upstream } from '../../upstream.entity.js';
import { UpstreamsService } from '../../upstreams.service.js';
import type { RegisterUpstreamCommand } from './register-upstream.command.js';

/**
 * Registers an upstream HTTP API as a capability, or replaces its registration: its URL and token
 * endpoint held to the address rules (SSRF), its mappings and input schema compiled, its key or
 * client secret encrypted, stored and listed in the capability registry in one transaction.
 */
@Injectable()
export class RegisterUpstream {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CRYPTO_PROVIDER) private readonly crypto: CryptoProvider,
    private readonly config: DispatchConfig,
    private readonly registry: CapabilityRegistryService,
    private readonly upstreams: UpstreamsService,
    private readonly tokens: UpstreamTokensService,
  ) {}

  async execute(r: RegisterUpstreamCommand): Promise<Upstream> {
    const { by } = r;
    const url = checkUpstreamTarget(r.baseUrl, this.config);
    await checkUpstreamAddress(url.hostname, this.config);
    // The token endpoint is a target too: the same rules.
    const tokenUrl = r.auth.kind === 'oauth-client-credentials' ? checkUpstreamTarget(r.auth.tokenUrl, this.config) : null;
    if (tokenUrl) await checkUpstreamAddress(tokenUrl.hostname, this.config);
    for (const expr of [r.requestMapping, r.responseMapping]) {
      if (expr === undefined) continue;
      try {
        this.upstreams.compiled.expression(expr);
      } catch (err) {
        throw ProxyProblem.INVALID_MAPPING((err as Error).message);
      }
    }
    try {
      this.upstreams.compiled.validator(r.inputSchema);
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
          ? sealUpstreamSecret(this.crypto, r.code, r.auth.value)
          : r.auth.kind === 'oauth-client-credentials'
            ? sealUpstreamSecret(this.crypto, r.code, r.auth.clientSecret)
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
    this.upstreams.forget(r.code);
    this.tokens.forget(r.code);
    return upstream;
  }
}
