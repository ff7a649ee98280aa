import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { findCapability } from '@gmp/contracts';
import { UpstreamsService } from '../../../proxy/upstreams.service.js';
import { CapabilityRegistryService } from '../../../registry/capability-registry.service.js';
import type { CapabilityVersion } from '../../../registry/capability-version.entity.js';
import { RegistryProblem } from '../../../registry/registry.problems.js';
import { type CompositeDefinition, readDefinition } from '../../composite-definition.js';
import { planComposite } from '../../composite-plan.js';
import { Composite } from '../../composite.entity.js';
import { CompositionProblem } from '../../composition.problems.js';
import { PublishedCompositesService } from '../../published-composites.service.js';
import { StepTargetsService } from '../../step-targets.service.js';
import { type DryRunReport, reportOf } from '../dry-run-composite/dry-run-composite.usecase.js';

export interface PublishCompositeCommand {
  /** The definition: a JSON object, or YAML text (kept as the source). */
  document: unknown;
  /** Who publishes (X-Caller). */
  by: string;
}

/**
 * Publishes a definition that passes the dry-run: stored, and listed in the capability
 * registry as a capability under the registry's lock (422 COMPOSITE_INVALID with the problems
 * otherwise; 409 when the code is another capability's or the version exists).
 */
@Injectable()
export class PublishComposite {
  private readonly log = new Logger('Composites');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly targets: StepTargetsService,
    private readonly published: PublishedCompositesService,
    private readonly registry: CapabilityRegistryService,
    private readonly upstreams: UpstreamsService,
  ) {}

  async execute({ document, by }: PublishCompositeCommand): Promise<{ definition: CompositeDefinition; report: DryRunReport }> {
    const { definition, problems } = readDefinition(document);
    const plan = definition ? await planComposite(definition, (code, version) => this.targets.resolve(code, version)) : null;
    if (!definition || !plan || !plan.valid) {
      throw CompositionProblem.COMPOSITE_INVALID(`${(plan?.problems ?? problems).length} 个问题 (problems)`).withExtensions({
        problems: plan?.problems ?? problems,
      });
    }
    if (findCapability(definition.code) || (await this.upstreams.find(definition.code))) {
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
      source: typeof document === 'string' ? document : null,
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
    this.published.forget(definition.code);
    this.log.log(`组合能力已发布 (composite published) ${definition.code} v${definition.version} by ${by}`);
    return { definition, report: reportOf(plan) };
  }
}
