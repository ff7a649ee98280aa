import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CallMeta, type CapabilityDescriptor, findCapability, validateMessage } from '@gmp/contracts';
import { CapabilityClient, derivedEventId, ProviderError, ProviderTimeoutError } from '@gmp/messaging';
import { currentContext } from '@gmp/observability';
import { CommonProblem, ProblemException, relayedProblem } from '@gmp/service-kit';
import { GrantsProblem } from '../grants/grants.problems.js';
import { RegistryProblem } from '../registry/registry.problems.js';
import { InvokeProblem } from './invoke.problems.js';
import { type GrantTerms, GrantsService } from '../grants/grants.service.js';
import { LegalBasesService } from '../legal-bases/legal-bases.service.js';
import { legalBasisTitle } from '../legal-bases/legal-basis.entity.js';
import { type Limits, RateLimitsService } from '../quota/rate-limits.service.js';
import { IdempotencyService } from './idempotency.service.js';
import { ProviderBreakersService } from './provider-breakers.service.js';
import { CapabilityRegistryService } from '../registry/capability-registry.service.js';
import { CallUpstream } from '../proxy/usecases/call-upstream/call-upstream.usecase.js';
import { UpstreamsService } from '../proxy/upstreams.service.js';
import type { Upstream } from '../proxy/upstream.entity.js';
import type { ValidateFunction } from 'ajv';
import { checkedInput } from '../shared/compiled.cache.js';

const HEADER_OF: Record<string, string> = {
  endUser: 'X-End-User',
  purpose: 'X-Purpose',
  legalBasis: 'X-Legal-Basis',
  caseId: 'X-Case-Id',
  correlationId: 'X-Correlation-Id',
};

export interface CallerInfo {
  appKey: string;
  endUser?: string;
  /** The end user comes from a verified user token. */
  endUserAuthenticated?: boolean;
  purpose?: string;
  /** A registered legal-basis code, checked against the app's grant by the invoker. */
  legalBasis?: string;
  /** Set by the invoker once the basis is checked: 《law》article, for the access records. */
  legalBasisTitle?: string;
  caseId?: string;
  /** The app's own limits (null: the platform defaults). */
  limits?: Partial<Limits>;
  /** `Idempotency-Key` header. */
  idempotencyKey?: string;
  /** `X-Capability-Version` (default: the highest). */
  version?: string;
  /** Set by the invoker: the version called is deprecated (answer with `Deprecation: true`). */
  deprecated?: boolean;
  /** Set for calls run outside their request (async): the request's correlation id. */
  correlationId?: string;
}

/** Runs composite capabilities (the composition module registers itself; the invoker does not import it). */
export interface CompositeRunner {
  find(code: string, version?: string): Promise<{ descriptor: CapabilityDescriptor; stepCapabilities: string[] } | null>;
  versionMissing(code: string): Promise<boolean>;
  checkInput(composite: { descriptor: CapabilityDescriptor }, input: unknown): object;
  run(descriptor: CapabilityDescriptor, input: object, caller: CallerInfo, messageId: string): Promise<object>;
}

/**
 * Calls a published capability: validates the input against the capability's contract
 * before anything is sent, carries who-and-why to the provider, waits at most the
 * capability's timeout, validates the output before returning it.
 */
@Injectable()
export class CapabilityInvokerService {
  private readonly log = new Logger('CapabilityInvoker');
  private composites: CompositeRunner | null = null;

  constructor(
    private readonly client: CapabilityClient,
    private readonly grants: GrantsService,
    private readonly limits: RateLimitsService,
    private readonly idempotency: IdempotencyService,
    private readonly breakers: ProviderBreakersService,
    private readonly registry: CapabilityRegistryService,
    private readonly upstreams: UpstreamsService,
    private readonly callUpstream: CallUpstream,
    private readonly legalBases: LegalBasesService,
  ) {}

  useComposites(runner: CompositeRunner): void {
    this.composites = runner;
  }

  capability(code: string, version?: string): CapabilityDescriptor {
    const capability = findCapability(code, version);
    if (!capability && version !== undefined && findCapability(code)) {
      throw InvokeProblem.CAPABILITY_VERSION_NOT_FOUND(`${code} 没有第 ${version} 版 (no version ${version})`);
    }
    if (!capability) {
      throw RegistryProblem.CAPABILITY_NOT_FOUND(`没有编码为 ${code} 的能力 (no capability with code ${code})`);
    }
    return capability;
  }

  /**
   * Grant, limits and input checks, then the call — once per Idempotency-Key when one is given
   * (`replayed` says the answer is the earlier one).
   */
  async invoke(code: string, input: unknown, caller: CallerInfo): Promise<{ output: object; replayed: boolean; deprecated: boolean }> {
    const { capability, checked, deprecated } = await this.admit(code, input, caller);
    if (caller.idempotencyKey === undefined)
      return { output: await this.call(capability, checked.value, caller, randomUUID()), replayed: false, deprecated };
    // The key answers again only the same request from the same end user with the same why.
    const scope = {
      input: checked.value,
      version: capability.version,
      endUser: caller.endUser ?? null,
      legalBasis: caller.legalBasis ?? null,
      purpose: caller.purpose ?? null,
      caseId: caller.caseId ?? null,
    };
    const begun = await this.idempotency.begin(caller.appKey, caller.idempotencyKey, capability.code, scope);
    if ('replay' in begun) return { output: IdempotencyService.replay(begun.replay), replayed: true, deprecated };
    // The provider sees the same message id for the same key: its own de-duplication applies too.
    const messageId = derivedEventId(`${caller.appKey}\u0000${caller.idempotencyKey}`, 'idempotent-call');
    let output: object;
    try {
      output = await this.call(capability, checked.value, caller, messageId);
    } catch (error) {
      await this.idempotency
        .finish(caller.appKey, caller.idempotencyKey, begun.claim, { error }, { idempotent: capability.idempotent })
        .catch(() => undefined);
      throw error;
    }
    // Not recorded (database trouble): the key stays claimed until its lease ends, then the same message id runs again.
    await this.idempotency
      .finish(caller.appKey, caller.idempotencyKey, begun.claim, { output })
      .catch((err: Error) => this.log.error(`幂等结果未能保存 (idempotent answer not kept): ${err.message}`));
    return { output, replayed: false, deprecated };
  }

  /** What every call passes before anything is sent: the grant, the limits, the capability's input contract. */
  async admit(
    code: string,
    input: unknown,
    caller: CallerInfo,
  ): Promise<{ capability: CapabilityDescriptor; checked: { value: object }; deprecated: boolean }> {
    const other = findCapability(code) ? null : await this.published(code, caller.version);
    if (other?.proxied) return this.admitProxied(other.proxied.upstream, other.proxied.validate, input, caller);
    if (other?.composite) return this.admitComposite(other.composite, input, caller);
    const capability = this.capability(code, caller.version);
    const status = await this.callableStatus(capability, caller);
    const terms = await this.grants.require(caller.appKey, capability.code);
    await this.checkLegalBasis(caller, capability.code, terms);
    // An app already refused for the rest of this second is refused before its input is checked
    // (it uses up nothing: no budget is taken, and the check is the costliest part of a refusal).
    this.limits.refuseIfBlocked(caller.appKey, capability.code, this.limits.appLimits(caller.limits), terms.limits);
    const checked = validateMessage(capability.input, input, { forbidUnknown: true });
    if (!checked.ok) {
      throw CommonProblem.INVALID_INPUT('输入不符合能力契约 (input does not match the capability contract)', checked.errors);
    }
    // Limits last: a call refused for its input does not use up the app's budget.
    await this.limits.consume(caller.appKey, capability.code, this.limits.appLimits(caller.limits), terms.limits);
    return { capability, checked: { value: checked.value as object }, deprecated: status === 'deprecated' };
  }

  /**
   * A declared legal basis must be one the capability's owner approved for this app's
   * subscription, registered, active and opening this capability; a call made with a user's own
   * token acts for that user only and declares none. Otherwise 403 — nothing is sent.
   */
  private async checkLegalBasis(caller: CallerInfo, capabilityCode: string, terms: GrantTerms): Promise<void> {
    const code = caller.legalBasis;
    if (code === undefined) return;
    if (caller.endUserAuthenticated) {
      throw InvokeProblem.LEGAL_BASIS_WITH_USER_TOKEN('X-Legal-Basis');
    }
    const granted = terms.legalBases.includes(code);
    const basis = granted ? await this.legalBases.resolve(code) : null;
    if (!basis || basis.status !== 'active' || !basis.capabilities.includes(capabilityCode)) {
      const why = !granted
        ? '未获能力所有方批准用于本应用的该能力订阅 (not approved for this app’s subscription to this capability)'
        : !basis
          ? '未登记 (not registered)'
          : basis.status !== 'active'
            ? '已停用 (retired)'
            : '不适用于该能力 (does not open this capability)';
      throw InvokeProblem.LEGAL_BASIS_NOT_GRANTED(`X-Legal-Basis ${code}: ${why}`).withExtensions({
        legalBasis: code,
        capability: capabilityCode,
      });
    }
    caller.legalBasisTitle = legalBasisTitle(basis);
  }

  /** The version's registry status: retired → 410; deprecated → marked on the caller (Deprecation header). */
  private async callableStatus(capability: CapabilityDescriptor, caller: CallerInfo) {
    const status = await this.registry.statusOf(capability.code, capability.version);
    if (status === 'retired') throw InvokeProblem.CAPABILITY_RETIRED(`${capability.code} v${capability.version}`);
    if (status === 'deprecated') caller.deprecated = true;
    return status;
  }

  /** For a call admitted earlier (async): the grant and the version's status again — not the limits, which it already used. */
  async readmit(code: string, caller: CallerInfo): Promise<{ capability: CapabilityDescriptor }> {
    const other = findCapability(code) ? null : await this.published(code, caller.version);
    const capability = other?.proxied
      ? proxyDescriptor(other.proxied.upstream)
      : other?.composite
        ? other.composite.descriptor
        : this.capability(code, caller.version);
    await this.callableStatus(capability, caller);
    await this.checkLegalBasis(caller, capability.code, await this.grants.require(caller.appKey, capability.code));
    return { capability };
  }

  /** A code outside the catalogue: a proxied upstream, a composite, or nothing (404, naming a missing version). */
  private async published(code: string, version: string | undefined) {
    const proxied = version === undefined || version === '1' ? await this.upstreams.find(code) : null;
    if (proxied) return { proxied };
    const composite = this.composites ? await this.composites.find(code, version) : null;
    if (composite) return { composite };
    if (version !== undefined && ((await this.upstreams.find(code)) || (await this.composites?.versionMissing(code)))) {
      throw InvokeProblem.CAPABILITY_VERSION_NOT_FOUND(`${code} 没有第 ${version} 版 (no version ${version})`);
    }
    return null;
  }

  /** A composite: its grant, status and limits; its input checked against its schema. Each step is admitted again when it runs. */
  private async admitComposite(
    composite: { descriptor: CapabilityDescriptor; stepCapabilities: string[] },
    input: unknown,
    caller: CallerInfo,
  ) {
    const capability = composite.descriptor;
    const status = await this.callableStatus(capability, caller);
    const terms = await this.grants.require(caller.appKey, capability.code);
    await this.checkLegalBasis(caller, capability.code, terms);
    // A composite adds no rights: every capability its steps call needs a grant of the app's own
    // (and the declared legal basis granted for it) — checked before any step runs.
    for (const code of composite.stepCapabilities) {
      await (async () => this.checkLegalBasis({ ...caller }, code, await this.grants.require(caller.appKey, code)))().catch(
        (err: unknown) => {
          throw GrantsProblem.GRANT_REQUIRED.is(err)
            ? err.withExtensions({
                stepCapability: code,
                detail: `组合能力 ${capability.code} 的步骤调用 ${code}，本应用未获授权 (the composite calls ${code}, which this app holds no approved subscription to)`,
              })
            : err instanceof ProblemException
              ? err.withExtensions({ stepCapability: code })
              : err;
        },
      );
    }
    const value = this.composites!.checkInput(composite, input);
    await this.limits.consume(caller.appKey, capability.code, this.limits.appLimits(caller.limits), terms.limits);
    return { capability, checked: { value }, deprecated: status === 'deprecated' };
  }

  /** A proxied upstream: the same grant, status and limits; the input checked against its JSON Schema. */
  private async admitProxied(upstream: Upstream, validate: ValidateFunction, input: unknown, caller: CallerInfo) {
    const capability = proxyDescriptor(upstream);
    const status = await this.callableStatus(capability, caller);
    const terms = await this.grants.require(caller.appKey, upstream.code);
    await this.checkLegalBasis(caller, upstream.code, terms);
    const value = checkedInput(validate, input);
    await this.limits.consume(caller.appKey, upstream.code, this.limits.appLimits(caller.limits), terms.limits);
    return { capability, checked: { value }, deprecated: status === 'deprecated' };
  }

  /** Sends a call that was admitted and validates the answer; errors become problems. */
  /** `budgetMs`: a shorter time limit than the capability's (a composite's step); its running out does not count against the provider's circuit. */
  async call(
    capability: CapabilityDescriptor,
    input: object,
    caller: CallerInfo,
    messageId: string,
    o: { budgetMs?: number } = {},
  ): Promise<object> {
    if (capability.topic.startsWith('composite:') && this.composites) return this.composites.run(capability, input, caller, messageId);
    if (capability.topic.startsWith('proxy:')) {
      const proxied = await this.upstreams.find(capability.code);
      if (!proxied) throw RegistryProblem.CAPABILITY_NOT_FOUND(capability.code);
      return this.breakers.fire(
        capability,
        caller.appKey,
        (timeoutMs) =>
          this.callUpstream.execute({
            upstream: proxied.upstream,
            input,
            correlationId: caller.correlationId ?? currentContext()?.correlationId ?? messageId,
            timeoutMs,
          }),
        o,
      );
    }
    const meta: CallMeta = {
      messageId,
      correlationId: caller.correlationId ?? currentContext()?.correlationId ?? randomUUID(),
      app: caller.appKey,
      ...(caller.endUser ? { endUser: caller.endUser } : {}),
      ...(caller.endUser && caller.endUserAuthenticated ? { endUserAuthenticated: true } : {}),
      ...(caller.purpose ? { purpose: caller.purpose } : {}),
      ...(caller.legalBasis
        ? { legalBasis: caller.legalBasis, ...(caller.legalBasisTitle ? { legalBasisTitle: caller.legalBasisTitle } : {}) }
        : {}),
      ...(caller.caseId ? { caseId: caller.caseId } : {}),
      sentAt: new Date().toISOString(),
    };
    const metaCheck = validateMessage(CallMeta, meta);
    if (!metaCheck.ok) {
      throw CommonProblem.INVALID_HEADER(
        undefined,
        metaCheck.errors.map((e) => ({ field: HEADER_OF[e.field] ?? e.field, message: e.message })),
      );
    }
    // Queries carry no key: they spread over all partitions (and so over all provider
    // instances). Per-subject ordering matters for events, which are keyed by subject.
    const key = null;

    let output: unknown;
    try {
      output = await this.breakers.fire(
        capability,
        caller.appKey,
        (timeoutMs) => this.client.request(capability.topic, key, { meta, input }, timeoutMs),
        o,
      );
    } catch (err) {
      throw this.toProblem(err, capability);
    }
    const valid = validateMessage(capability.output, output);
    if (!valid.ok) {
      this.log.error(
        `能力提供方返回了不符合契约的结果 (provider output violates contract) ${capability.code}: ${JSON.stringify(valid.errors).slice(0, 500)}`,
      );
      throw InvokeProblem.PROVIDER_BAD_OUTPUT();
    }
    return output as object;
  }

  private toProblem(err: unknown, capability: CapabilityDescriptor): ProblemException {
    if (err instanceof ProblemException) return err;
    if (err instanceof ProviderTimeoutError) {
      return InvokeProblem.PROVIDER_TIMEOUT(
        `${capability.code} 未在 ${capability.timeoutMs} ms 内应答 (no answer within ${capability.timeoutMs} ms)`,
      );
    }
    if (err instanceof ProviderError && err.error?.code === 'PROVIDER_UNAVAILABLE') {
      return InvokeProblem.PROVIDER_UNAVAILABLE(capability.code);
    }
    if (err instanceof ProviderError && err.error && err.error.status >= 400 && err.error.status < 500) {
      // The provider's own refusal, relayed with its status, code and words (its vocabulary, not ours).
      return relayedProblem({
        status: err.error.status,
        code: err.error.reason ?? err.error.code,
        title: err.error.message,
        errors: err.error.fields,
      });
    }
    const reason = err instanceof ProviderError && err.error ? `: ${err.error.message}` : '';
    return InvokeProblem.PROVIDER_ERROR(`${capability.code}${reason}`);
  }
}

/** A proxied upstream described as a capability (its breaker is keyed `proxy:<code>`). */
function proxyDescriptor(u: Upstream): CapabilityDescriptor {
  return {
    code: u.code,
    version: '1',
    name: u.name,
    description: u.name,
    ownerDepartment: u.ownerDepartment,
    topic: `proxy:${u.code}` as CapabilityDescriptor['topic'],
    input: Object,
    output: Object,
    timeoutMs: u.timeoutMs,
    idempotent: u.method === 'GET',
    example: {},
  };
}
