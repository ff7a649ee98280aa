import { HttpException, Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { CapabilityDescriptor } from '@gmp/contracts';
import type { CryptoProvider } from '@gmp/gm-crypto';
import { derivedEventId } from '@gmp/messaging';
import { currentContext } from '@gmp/observability';
import { CommonProblem, CRYPTO_PROVIDER, ProblemException, relayedProblem } from '@gmp/service-kit';
import { CallAuditService } from '../../../audit/call-audit.service.js';
import { type CallerInfo, CapabilityInvokerService } from '../../../invoke/capability-invoker.service.js';
import { InvokeProblem } from '../../../invoke/invoke.problems.js';
import { DispatchMetricsService } from '../../../metrics/dispatch-metrics.service.js';
import { RegistryProblem } from '../../../registry/registry.problems.js';
import { SharedProblem } from '../../../shared/shared.problems.js';
import type { CompositeStep } from '../../composite-definition.js';
import { CompositionProblem } from '../../composition.problems.js';
import { type LoadedComposite, PublishedCompositesService } from '../../published-composites.service.js';

export interface RunCompositeCommand {
  /** The composite as the invoker admitted it (code and version). */
  descriptor: CapabilityDescriptor;
  /** Input already checked against the composite's schema. */
  input: object;
  caller: CallerInfo;
  /** The call's message id; each step's is derived from it. */
  messageId: string;
}

/** A step is not sent with less time than this left. */
const MIN_STEP_MS = 50;

function mappingFailed(part: 'input' | 'when', err: unknown): ProblemException {
  const e = err as { code?: string; message?: string };
  return SharedProblem.MAPPING_FAILED(
    `${part === 'input' ? '步骤输入映射失败 (the step input mapping failed)' : '步骤条件求值失败 (the step condition failed)'}: ${`${e.code ?? ''} ${e.message ?? ''}`.trim().slice(0, 300)}`,
  );
}

/**
 * Runs a composite capability (组合能力) for an admitted call. Each step is called as the
 * calling app — with its grants, limits and who-and-why (a composite adds no rights) — and is
 * audited; independent steps run in parallel; each step has its time limit and failure policy.
 * The invoker reaches it through `useComposites` (it does not import the composition module).
 */
@Injectable()
export class RunComposite implements OnModuleInit {
  private readonly log = new Logger('Composites');

  constructor(
    private readonly published: PublishedCompositesService,
    private readonly invoker: CapabilityInvokerService,
    private readonly audit: CallAuditService,
    private readonly metrics: DispatchMetricsService,
    @Inject(CRYPTO_PROVIDER) private readonly crypto: CryptoProvider,
  ) {}

  onModuleInit(): void {
    this.invoker.useComposites({
      find: (code, version) => this.published.find(code, version),
      versionMissing: (code) => this.published.versionMissing(code),
      checkInput: (composite, input) => this.published.checkInput(composite as LoadedComposite, input),
      run: (descriptor, input, caller, messageId) => this.execute({ descriptor, input, caller, messageId }),
    });
  }

  /**
   * Runs a composite for an admitted call: steps start as soon as what they need is done
   * (independent steps in parallel), each admitted and called as the calling app; the output
   * mapped and checked. Answers 504 COMPOSITE_TIMEOUT past the composite's limit and
   * COMPOSITE_STEP_FAILED (with the step and its problem) when a step fails under `fail`.
   */
  async execute({ descriptor, input, caller, messageId }: RunCompositeCommand): Promise<object> {
    const composite = await this.published.find(descriptor.code, descriptor.version);
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
      output = composite.definition.output ? await this.published.compiled.evaluate(composite.definition.output, context) : context.steps;
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
        go = await this.published.compiled.evaluate(step.when, context);
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
      if (step.input) stepInput = (await this.published.compiled.evaluate(step.input, context)) ?? {};
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
}
