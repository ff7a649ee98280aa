import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ValidateFunction } from 'ajv';
import type { DataSource } from 'typeorm';
import type { CapabilityDescriptor } from '@gmp/contracts';
import { RegistryProblem } from '../registry/registry.problems.js';
import { checkedInput, CompiledCache } from '../shared/compiled.cache.js';
import type { CompositeDefinition, CompositeStep } from './composite-definition.js';
import { planComposite } from './composite-plan.js';
import { Composite } from './composite.entity.js';
import { StepTargetsService } from './step-targets.service.js';

/** A published composite ready to run: expressions compiled, schemas compiled, dependencies known. */
export interface LoadedComposite {
  definition: CompositeDefinition;
  descriptor: CapabilityDescriptor;
  validateInput: ValidateFunction;
  validateOutput: ValidateFunction | null;
  /** Each step's capability (every one needs the calling app's own grant). */
  stepCapabilities: string[];
  steps: { step: CompositeStep; deps: string[] }[];
}

const FIND_TTL_MS = 2_000;

/** The published composites: stored definitions, and each version loaded (planned, compiled) once per instance. */
@Injectable()
export class PublishedCompositesService {
  private readonly log = new Logger('Composites');
  /** Expressions compiled once, shared with the runs of this instance. */
  readonly compiled = new CompiledCache();
  private readonly loaded = new Map<string, { composite: LoadedComposite | null; until: number }>();
  /** Published versions, loaded once each (a version is immutable). */
  private readonly versions = new Map<string, LoadedComposite>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly targets: StepTargetsService,
  ) {}

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

  /** The composite's input checked against its schema (400 INVALID_INPUT naming the fields). */
  checkInput(composite: LoadedComposite, input: unknown): object {
    return checkedInput(composite.validateInput, input);
  }

  /** A code just published: the next lookup reads the store instead of the remembered answer. */
  forget(code: string): void {
    for (const key of this.loaded.keys()) if (key.startsWith(`${code}\u0000`)) this.loaded.delete(key);
  }

  private async load(definition: CompositeDefinition): Promise<LoadedComposite> {
    const plan = await planComposite(definition, (code, version) => this.targets.resolve(code, version));
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
}
