import { Injectable } from '@nestjs/common';
import { type DefinitionProblem, readDefinition } from '../../composite-definition.js';
import { type CompositePlan, planComposite, type StepTarget } from '../../composite-plan.js';
import { StepTargetsService } from '../../step-targets.service.js';

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

/** Checks a composite definition (JSON, or YAML text) without calling anything or storing it. */
@Injectable()
export class DryRunComposite {
  constructor(private readonly targets: StepTargetsService) {}

  async execute(document: unknown): Promise<DryRunReport> {
    const { definition, problems } = readDefinition(document);
    if (!definition) return { valid: false, problems, warnings: [] };
    return reportOf(await planComposite(definition, (code, version) => this.targets.resolve(code, version)));
  }
}

/** The plan as integrators read it: problems, warnings, stages and what each step calls. */
export function reportOf(plan: CompositePlan): DryRunReport {
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
