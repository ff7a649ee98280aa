import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, InternalApiGuard, RequireCaller } from '@gmp/service-kit';
import { PublishedCompositesService } from './published-composites.service.js';
import { DryRunComposite } from './usecases/dry-run-composite/dry-run-composite.usecase.js';
import { PublishComposite } from './usecases/publish-composite/publish-composite.usecase.js';
import type { CompositeDocument } from './composite-definition.js';

const EXAMPLE = {
  code: 'composite.citizen-licences',
  version: '1',
  name: '核验身份并查询名下证照',
  ownerDepartment: '省政务服务管理办公室',
  timeoutMs: 8000,
  input: {
    type: 'object',
    required: ['name', 'idNumber'],
    additionalProperties: false,
    properties: { name: { type: 'string', minLength: 1, maxLength: 64 }, idNumber: { type: 'string', pattern: '^[0-9]{17}[0-9X]$' } },
  },
  steps: [
    { id: 'verify', capability: 'identity.verify-real-name', input: '{ "name": input.name, "idNumber": input.idNumber }' },
    {
      id: 'licences',
      capability: 'e-licence.query-by-holder',
      when: 'steps.verify.match = true',
      input: '{ "holderType": "person", "holderId": input.idNumber }',
      fallback: { licences: [] },
    },
  ],
  output: '{ "verified": steps.verify.match, "licences": $append([], steps.licences.licences) }',
};

/**
 * Integrators publish composite capabilities (组合能力) — JSON, or YAML with Content-Type
 * application/yaml — after a dry-run (internal network; X-Caller names who).
 */
@ApiTags('composition 能力编排 (integrators)')
@Controller('internal/v1/composites')
@UseGuards(InternalApiGuard)
@ApiHeader({ name: 'X-Internal-Token', required: true })
export class CompositesAdminController {
  constructor(
    private readonly dryRunComposite: DryRunComposite,
    private readonly publishComposite: PublishComposite,
    private readonly published: PublishedCompositesService,
  ) {}

  @Post('dry-run')
  @HttpCode(200)
  @ApiConsumes('application/json', 'application/yaml')
  @ApiOperation({
    summary: '试运行校验 (dry-run: check a definition without calling anything)',
    description:
      'Answers { valid, problems[], warnings[], plan: { stages, dependsOn, calls } } — problems name where (steps[1].input) and what (UNKNOWN_CAPABILITY, TYPE_MISMATCH, CYCLE …).',
  })
  @ApiBody({ schema: { type: 'object', example: EXAMPLE } })
  async dryRun(@Body() definition: CompositeDocument) {
    return this.dryRunComposite.execute(definition);
  }

  @RequireCaller('操作人')
  @Post()
  @HttpCode(201)
  @ApiConsumes('application/json', 'application/yaml')
  @ApiHeader({ name: 'X-Caller', required: true })
  @ApiOperation({ summary: '发布组合能力 (publish a composite capability; 422 COMPOSITE_INVALID with the dry-run problems)' })
  @ApiBody({ schema: { type: 'object', example: EXAMPLE } })
  async publish(@Body() document: CompositeDocument, @Caller() caller: string) {
    const { definition, report } = await this.publishComposite.execute({ document, by: caller });
    return { code: definition.code, version: definition.version, status: 'active', plan: report.plan, warnings: report.warnings };
  }

  @Get(':code')
  @ApiOperation({ summary: '组合能力定义 (a composite’s published definitions, every version)' })
  async get(@Param('code') code: string) {
    return {
      versions: (await this.published.definitions(code)).map((c) => ({
        version: c.version,
        definition: c.definition,
        source: c.source,
        publishedBy: c.publishedBy,
        publishedAt: c.publishedAt,
      })),
    };
  }
}
