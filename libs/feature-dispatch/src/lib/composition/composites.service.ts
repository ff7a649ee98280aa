import { readFileSync } from 'node:fs';
import { HttpException, Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ValidateFunction } from 'ajv';
import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { type CapabilityDescriptor, findCapability, jsonSchemaOf } from '@gmp/contracts';
import type { CryptoProvider } from '@gmp/gm-crypto';
import { derivedEventId } from '@gmp/messaging';
import { currentContext } from '@gmp/observability';
import { CommonProblem, CRYPTO_PROVIDER, ProblemException, relayedProblem, ServiceConfig } from '@gmp/service-kit';
import { GrantsService } from '../grants/grants.service.js';
import { CallAuditService } from '../audit/call-audit.service.js';
import { type CallerInfo, CapabilityInvokerService } from '../invoke/capability-invoker.service.js';
import { InvokeProblem } from '../invoke/invoke.problems.js';
import { DispatchMetricsService } from '../metrics/dispatch-metrics.service.js';
import { InterfaceProxyService } from '../proxy/interface-proxy.service.js';
import { CapabilityRegistryService } from '../registry/capability-registry.service.js';
import { CapabilityVersion } from '../registry/capability-version.entity.js';
import { RegistryProblem } from '../registry/registry.problems.js';
import { type CompositeDefinition, type CompositeStep, type DefinitionProblem, readDefinition } from './composite-definition.js';
import { type CompositePlan, planComposite, type StepTarget } from './composite-plan.js';
import { Composite } from './composite.entity.js';
import { CompositionProblem } from './composition.problems.js';
import { checkedInput, CompiledCache } from '../shared/compiled.cache.js';
import { SharedProblem } from '../shared/shared.problems.js';

/** A published composite ready to run: expressions compiled, schemas compiled, dependencies known. */
interface LoadedComposite {
  definition: CompositeDefinition;
  descriptor: CapabilityDescriptor;
  validateInput: ValidateFunction;
  validateOutput: ValidateFunction | null;
  /** Each step's capability (every one needs the calling app's own grant). */
  stepCapabilities: string[];
  steps: { step: CompositeStep; deps: string[] }[];
}

/** What a dry-run answers. */
export interface DryRunReport {
  valid: boolean;
  problems: DefinitionProblem[];
  warnings: string[];
  plan?: {
    stages: string[][];
    dependsOn: Record<string, string[]>;
    calls: Record<string, { capability: string; version: string; kind: StepTarget['kind'] }>;
  };
}

const FIND_TTL_MS = 2_000;
/** A step is not sent with less time than this left. */
const MIN_STEP_MS = 50;

function mappingFailed(part: 'input' | 'when', err: unknown): ProblemException {
  const e = err as { code?: string; message?: string };
  return SharedProblem.MAPPING_FAILED(
    `${part === 'input' ? '步骤输入映射失败 (the step input mapping failed)' : '步骤条件求值失败 (the step condition failed)'}: ${`${e.code ?? ''} ${e.message ?? ''}`.trim().slice(0, 300)}`,
  );
}

/**
 * Composite capabilities (组合能力): integrators declare a DAG of capability calls (JSON or YAML),
 * dry-run it, publish it; business lines call it like any capability. Each step is called as the
 * calling app — with its grants, limits and who-and-why (a composite adds no rights) — and is
 * audited; independent steps run in parallel; each step has its time limit and failure policy.
 */
@Injectable()
export class CompositesService implements OnModuleInit, OnApplicationBootstrap {
  private readonly log = new Logger('Composites');
  private readonly compiled = new CompiledCache();
  private readonly loaded = new Map<string, { composite: LoadedComposite | null; until: number }>();
  /** Published versions, loaded once each (a version is immutable). */
  private readonly versions = new Map<string, LoadedComposite>();
  private readonly schemas = new Map<string, { input: Record<string, unknown>; output: Record<string, unknown> }>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly invoker: CapabilityInvokerService,
    private readonly registry: CapabilityRegistryService,
    private readonly proxy: InterfaceProxyService,
    private readonly audit: CallAuditService,
    private readonly metrics: DispatchMetricsService,
    @Inject(CRYPTO_PROVIDER) private readonly crypto: CryptoProvider,
    private readonly config: ServiceConfig,
    private readonly grants: GrantsService,
  ) {}

  onModuleInit(): void {
    this.invoker.useComposites(this);
  }

  /** SEED_DEMO: the shipped example is published and granted to the demo apps. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.SEED_DEMO) return;
    const code = 'composite.citizen-licences';
    if (!(await this.dataSource.getRepository(Composite).existsBy({ code }))) {
      await this.publish(readFileSync(new URL('./examples/citizen-licences.composite.yaml', import.meta.url), 'utf8'), 'demo-seed').catch(
        (err: Error) => {
          if (!(err instanceof ProblemException && err.getStatus() === 409)) throw err; // another instance published it meanwhile
        },
      );
    }
    await this.grants.grantDemoApps([code]);
  }

  /** Checks a definition without calling anything or storing it. */
  async dryRun(body: unknown): Promise<DryRunReport> {
    const { definition, problems } = readDefinition(body);
    if (!definition) return { valid: false, problems, warnings: [] };
    const plan = await planComposite(definition, (code, version) => this.target(code, version));
    return reportOf(plan);
  }

  /** Publishes a definition that passes the dry-run: stored and listed in the registry as a capability. 422 with the problems otherwise. */
  async publish(body: unknown, by: string): Promise<{ definition: CompositeDefinition; report: DryRunReport }> {
    const { definition, problems } = readDefinition(body);
    const plan = definition ? await planComposite(definition, (code, version) => this.target(code, version)) : null;
    if (!definition || !plan || !plan.valid) {
      throw CompositionProblem.COMPOSITE_INVALID(`${(plan?.problems ?? problems).length} 个问题 (problems)`).withExtensions({
        problems: plan?.problems ?? problems,
      });
    }
    if (findCapability(definition.code) || (await this.proxy.find(definition.code))) {
      throw RegistryProblem.CAPABILITY_CODE_TAKEN(definition.code);
    }
    const idempotent = Object.values(plan.targets).every((t) => t.idempotent);
    // Each step pinned to the version the dry-run checked: a later version of a capability does not change a published composite.
    for (const step of definition.steps) step.version ??= plan.targets[step.id]!.version;
    const listed: CapabilityVersion = {
      code: definition.code,
      version: definition.version,
      name: definition.name,
      description: definition.description ?? `组合能力 (composite): ${definition.steps.map((s) => s.capability).join(' + ')}`,
      ownerDepartment: definition.ownerDepartment,
      provider: `composite:${by}`.slice(0, 64),
      topic: 'composite',
      timeoutMs: definition.timeoutMs,
      idempotent,
      inputSchema: definition.input,
      outputSchema: definition.outputSchema ?? { type: 'object' },
      example: null,
      status: 'active',
      visibility: 'public',
      statusReason: null,
      statusBy: by,
      announcedAt: new Date(),
    };
    const composite: Omit<Composite, 'publishedAt'> = {
      code: definition.code,
      version: definition.version,
      definition,
      source: typeof body === 'string' ? body : null,
      publishedBy: by,
    };
    try {
      await this.dataSource.transaction((m) =>
        this.registry.listOwn(m, listed, {
          replace: false,
          store: async () => {
            if (await m.getRepository(Composite).existsBy({ code: definition.code, version: definition.version }))
              throw CompositionProblem.COMPOSITE_EXISTS(`${definition.code} v${definition.version}`);
            // insert, not save: a concurrent publication of the same version fails on the key instead of overwriting.
            await m.getRepository(Composite).insert(composite as QueryDeepPartialEntity<Composite>);
          },
        }),
      );
    } catch (err) {
      if ((err as { code?: string }).code === '23505')
        throw CompositionProblem.COMPOSITE_EXISTS(`${definition.code} v${definition.version}`);
      throw err;
    }
    this.forget(definition.code);
    this.log.log(`组合能力已发布 (composite published) ${definition.code} v${definition.version} by ${by}`);
    return { definition, report: reportOf(plan) };
  }

  /** A published definition as stored (every version, highest first). */
  async definitions(code: string): Promise<Composite[]> {
    const rows = await this.dataSource.getRepository(Composite).find({ where: { code } });
    if (rows.length === 0) throw RegistryProblem.CAPABILITY_NOT_FOUND(`组合能力不存在 (no such composite): ${code}`);
    return rows.sort((a, b) => Number(b.version) - Number(a.version));
  }

  /** The composite behind a code (the given version or the highest), or null; remembered 2 s per instance. */
  async find(code: string, version?: string): Promise<LoadedComposite | null> {
    const key = `${code}\u0000${version ?? ''}`;
    let hit = this.loaded.get(key);
    if (!hit || hit.until < Date.now()) {
      // Which version answers is looked up again every 2 s; a published version never changes, so it is loaded (planned, compiled) once.
      const repo = this.dataSource.getRepository(Composite);
      const versions = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/.test(code)
        ? await repo.find({ where: version ? { code, version } : { code }, select: { version: true } })
        : [];
      const chosen = versions.map((v) => v.version).sort((a, b) => Number(b) - Number(a))[0];
      let composite: LoadedComposite | null = null;
      if (chosen !== undefined) {
        const id = `${code}\u0000${chosen}`;
        composite = this.versions.get(id) ?? null;
        if (!composite) {
          const row = await repo.findOneBy({ code, version: chosen });
          if (row) {
            composite = await this.load(row.definition);
            if (this.versions.size > 1_000) this.versions.clear();
            this.versions.set(id, composite);
          }
        }
      }
      hit = { composite, until: Date.now() + FIND_TTL_MS };
      if (this.loaded.size > 1_000) this.loaded.clear();
      this.loaded.set(key, hit);
    }
    return hit.composite;
  }

  /** 404 naming the version when the code exists but not that version. */
  async versionMissing(code: string): Promise<boolean> {
    return (await this.dataSource.getRepository(Composite).countBy({ code })) > 0;
  }

  /**
   * Runs a composite for an admitted call: steps start as soon as what they need is done
   * (independent steps in parallel), each admitted and called as the calling app; the output
   * mapped and checked. Answers 504 COMPOSITE_TIMEOUT past the composite's limit and
   * COMPOSITE_STEP_FAILED (with the step and its problem) when a step fails under `fail`.
   */
  async run(descriptor: CapabilityDescriptor, input: object, caller: CallerInfo, messageId: string): Promise<object> {
    const composite = await this.find(descriptor.code, descriptor.version);
    if (!composite) throw RegistryProblem.CAPABILITY_NOT_FOUND(descriptor.code);
    // No prototype: a step id such as `constructor` must not find Object's before the step has run.
    const context: { input: object; steps: Record<string, unknown> } = { input, steps: Object.create(null) as Record<string, unknown> };
    const deadline = Date.now() + composite.definition.timeoutMs;
    const byId = new Map(composite.steps.map((s) => [s.step.id, s]));
    const runs = new Map<string, Promise<void>>();
    let stopped = false;
    const runOf = (id: string): Promise<void> => {
      let run = runs.get(id);
      if (!run) {
        const s = byId.get(id)!;
        run = Promise.all(s.deps.map(runOf)).then(() =>
          stopped ? undefined : this.step(composite, s, context, caller, messageId, deadline, () => stopped),
        );
        runs.set(id, run);
      }
      return run;
    };
    const all = Promise.all(composite.steps.map((s) => runOf(s.step.id)));
    all.catch(() => undefined); // answered by the race below; later failures of abandoned steps are audited, not raised
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            CompositionProblem.COMPOSITE_TIMEOUT(
              `${descriptor.code} 未在 ${composite.definition.timeoutMs} ms 内完成 (not done within ${composite.definition.timeoutMs} ms)`,
            ),
          ),
        composite.definition.timeoutMs,
      );
    });
    try {
      await Promise.race([all, timeout]);
    } catch (err) {
      stopped = true; // steps not started yet are not started
      throw err;
    } finally {
      clearTimeout(timer);
    }
    let output: unknown;
    try {
      output = composite.definition.output ? await this.compiled.evaluate(composite.definition.output, context) : context.steps;
    } catch (err) {
      throw CompositionProblem.COMPOSITE_BAD_OUTPUT(`组合能力的输出映射失败 (the output mapping failed): ${(err as Error).message}`);
    }
    if (typeof output !== 'object' || output === null || Array.isArray(output))
      throw CompositionProblem.COMPOSITE_BAD_OUTPUT(`组合能力的输出不是对象 (the composite output is not an object): ${descriptor.code}`);
    if (composite.validateOutput && !composite.validateOutput(output)) {
      this.log.error(
        `组合能力输出不符合其模式 (composite output violates its schema) ${descriptor.code}: ${JSON.stringify(composite.validateOutput.errors).slice(0, 500)}`,
      );
      throw CompositionProblem.COMPOSITE_BAD_OUTPUT(
        `组合能力的输出不符合其模式 (the composite output does not match its schema): ${descriptor.code}`,
      );
    }
    return output;
  }

  /** The composite's input checked against its schema (400 INVALID_INPUT naming the fields). */
  checkInput(composite: LoadedComposite, input: unknown): object {
    return checkedInput(composite.validateInput, input);
  }

  private async step(
    composite: LoadedComposite,
    s: LoadedComposite['steps'][number],
    context: { input: object; steps: Record<string, unknown> },
    caller: CallerInfo,
    messageId: string,
    deadline: number,
    stopped: () => boolean,
  ): Promise<void> {
    const { step } = s;
    const started = Date.now();
    if (step.when) {
      let go: unknown;
      try {
        go = await this.compiled.evaluate(step.when, context);
      } catch (err) {
        return this.failed(composite, s, context, caller, started, null, mappingFailed('when', err));
      }
      if (!go) {
        context.steps[step.id] = step.fallback ?? null;
        return;
      }
    }
    // The calling app's identity, who-and-why; this step's version; no idempotency key of its own (the message id is derived).
    const stepCaller: CallerInfo = { ...caller, version: step.version, idempotencyKey: undefined, deprecated: undefined };
    let stepInput: unknown = context.input;
    try {
      if (step.input) stepInput = (await this.compiled.evaluate(step.input, context)) ?? {};
    } catch (err) {
      return this.failed(composite, s, context, caller, started, null, mappingFailed('input', err));
    }
    try {
      const { capability, checked } = await this.invoker.admit(step.capability, stepInput, stepCaller);
      // The composite may have answered meanwhile (timeout, another step failed), or too little time is left: not sent.
      const left = deadline - Date.now();
      if (stopped() || left < MIN_STEP_MS) throw CompositionProblem.COMPOSITE_TIMEOUT(`${step.id}: ${Math.max(0, left)} ms left`);
      const budgetMs = Math.min(step.timeoutMs ?? capability.timeoutMs, left);
      const output = await this.invoker.call(
        capability,
        checked.value,
        stepCaller,
        derivedEventId(`${messageId}\u0000${step.id}`, 'composite-step'),
        { budgetMs },
      );
      context.steps[step.id] = output;
      await this.recordStep(caller, step, 200, null, started, stepInput);
    } catch (err) {
      return this.failed(composite, s, context, caller, started, stepInput, err);
    }
  }

  /** A failed step: audited, then its policy — the composite fails, or the step's output is null or its fallback. */
  private async failed(
    composite: LoadedComposite,
    s: LoadedComposite['steps'][number],
    context: { steps: Record<string, unknown> },
    caller: CallerInfo,
    started: number,
    stepInput: unknown,
    err: unknown,
  ): Promise<void> {
    const { step } = s;
    const status = err instanceof HttpException ? err.getStatus() : 500;
    const body = (err instanceof HttpException ? err.getResponse() : {}) as {
      code?: string;
      title?: string;
      detail?: string;
      errors?: unknown;
    };
    const code = body.code ?? 'INTERNAL_ERROR';
    if (!(err instanceof HttpException))
      this.log.error(
        `组合能力步骤内部错误 (composite step internal error) ${composite.descriptor.code}/${step.id}: ${(err as Error).message}`,
      );
    await this.recordStep(caller, step, status, code, started, stepInput);
    const policy = step.onFailure ?? 'fail';
    if (policy === 'continue') context.steps[step.id] = null;
    else if (policy === 'fallback') context.steps[step.id] = step.fallback ?? null;
    else {
      // The caller's own doing (rights, limits, headers, the provider's refusal of the request) keeps its status;
      // a step whose mapped input breaks its contract, or whose capability is gone, is the composite's defect: 502.
      const composites =
        (status === 400 && CommonProblem.INVALID_INPUT.is(err)) ||
        ([404, 410].includes(status) &&
          [RegistryProblem.CAPABILITY_NOT_FOUND, InvokeProblem.CAPABILITY_VERSION_NOT_FOUND, InvokeProblem.CAPABILITY_RETIRED].some(
            (gone) => gone.is(err),
          ));
      const answer = status === 503 || status === 504 ? status : status >= 500 || composites ? 502 : status;
      const stepFailed = CompositionProblem.COMPOSITE_STEP_FAILED;
      // The vocabulary's code and title with the status worked out above (not always its 502): built as is.
      const problem = relayedProblem({
        status: answer,
        code: stepFailed.code,
        title: stepFailed.title,
        detail: `${step.id} (${step.capability}): ${code}${body.detail ? ` — ${body.detail}` : ''}`,
      }).withExtensions({
        step: step.id,
        stepCapability: step.capability,
        cause: { status, code, ...(body.title ? { title: body.title } : {}), ...(body.errors ? { errors: body.errors } : {}) },
      });
      if (err instanceof ProblemException) problem.withHeaders(err.headers);
      throw problem;
    }
  }

  /** Each step is a call of its own in the audit chain and the metrics (operation `composite-step`). */
  private async recordStep(
    caller: CallerInfo,
    step: CompositeStep,
    status: number,
    code: string | null,
    started: number,
    stepInput: unknown,
  ): Promise<void> {
    const fields = {
      at: new Date(),
      app: caller.appKey,
      capability: step.capability,
      operation: 'composite-step',
      endUser: caller.endUser ?? null,
      purpose: caller.purpose ?? null,
      caseId: caller.caseId ?? null,
      correlationId: caller.correlationId ?? currentContext()?.correlationId ?? null,
      status,
      code,
      latencyMs: Date.now() - started,
      requestHash: this.crypto.sm3(JSON.stringify(stepInput ?? null)).toString('hex'),
    };
    this.metrics.observe(fields);
    await this.audit.record(fields);
  }

  /** What a step may call, with its schemas and status (catalogue capabilities, proxied upstreams, composites). */
  private async target(code: string, version?: string): Promise<StepTarget | null> {
    const capability = findCapability(code, version);
    if (capability) {
      const key = `${capability.code}\u0000${capability.version}`;
      let schemas = this.schemas.get(key);
      if (!schemas)
        this.schemas.set(
          key,
          (schemas = { input: jsonSchemaOf(capability.input, { closed: true }), output: jsonSchemaOf(capability.output) }),
        );
      const status = (await this.registry.statusOf(capability.code, capability.version)) ?? 'active';
      return {
        code,
        version: capability.version,
        kind: 'capability',
        status,
        inputSchema: schemas.input,
        outputSchema: schemas.output,
        idempotent: capability.idempotent,
        timeoutMs: capability.timeoutMs,
      };
    }
    if (findCapability(code)) return null; // that version does not exist
    const proxied = version === undefined || version === '1' ? await this.proxy.find(code) : null;
    if (proxied) {
      const status = (await this.registry.statusOf(code, '1')) ?? 'active';
      return {
        code,
        version: '1',
        kind: 'proxy',
        status,
        inputSchema: proxied.upstream.inputSchema,
        outputSchema: { type: 'object' },
        idempotent: proxied.upstream.method === 'GET',
        timeoutMs: proxied.upstream.timeoutMs,
      };
    }
    const row = await this.dataSource
      .getRepository(CapabilityVersion)
      .findOne({ where: version ? { code, version, topic: 'composite' } : { code, topic: 'composite' } });
    return row
      ? {
          code,
          version: row.version,
          kind: 'composite',
          status: row.status,
          inputSchema: row.inputSchema,
          outputSchema: row.outputSchema,
          idempotent: row.idempotent,
          timeoutMs: row.timeoutMs,
        }
      : null;
  }

  private async load(definition: CompositeDefinition): Promise<LoadedComposite> {
    const plan = await planComposite(definition, (code, version) => this.target(code, version));
    if (!plan.valid)
      this.log.warn(
        `组合能力 ${definition.code} v${definition.version} 现已不再通过校验，失败的步骤将按其策略处理 (no longer passes the dry-run): ${JSON.stringify(plan.problems).slice(0, 500)}`,
      );
    const idempotent = Object.values(plan.targets).every((t) => t.idempotent);
    return {
      definition,
      descriptor: {
        code: definition.code,
        version: definition.version,
        name: definition.name,
        description: definition.description ?? definition.name,
        ownerDepartment: definition.ownerDepartment,
        topic: `composite:${definition.code}` as CapabilityDescriptor['topic'],
        input: Object,
        output: Object,
        timeoutMs: definition.timeoutMs,
        idempotent,
        example: {},
      },
      validateInput: this.compiled.validator(definition.input),
      validateOutput: definition.outputSchema ? this.compiled.validator(definition.outputSchema) : null,
      stepCapabilities: [...new Set(definition.steps.map((s) => s.capability))],
      steps: definition.steps.map((step) => ({
        step,
        deps: (plan.dependsOn[step.id] ?? []).filter((d) => definition.steps.some((x) => x.id === d)),
      })),
    };
  }

  private forget(code: string): void {
    for (const key of this.loaded.keys()) if (key.startsWith(`${code}\u0000`)) this.loaded.delete(key);
  }
}

function reportOf(plan: CompositePlan): DryRunReport {
  return {
    valid: plan.valid,
    problems: plan.problems,
    warnings: plan.warnings,
    plan: {
      stages: plan.stages,
      dependsOn: plan.dependsOn,
      calls: Object.fromEntries(
        Object.entries(plan.targets).map(([id, t]) => [id, { capability: t.code, version: t.version, kind: t.kind }]),
      ),
    },
  };
}
