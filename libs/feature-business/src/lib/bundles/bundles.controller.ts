import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiConsumes, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Caller, InternalApiGuard, RequireCaller, validBody } from '@gmp/service-kit';
import { CatalogueProblem } from '../business.problems.js';
import { definitionFromYaml } from '../definition-yaml.js';
import type { BundleDefinition } from './bundle-definition.js';
import { BundleDefinitionBody } from './bundle-definition.dto.js';
import type { BizBundle } from './bundles.entities.js';
import { BundlesService } from './bundles.service.js';
import { PublishBundle } from './usecases/publish-bundle/publish-bundle.usecase.js';

const YAML_TYPES = ['application/yaml', 'text/yaml', 'application/x-yaml'];
const YAML_LIMIT = 256 * 1024;

/** Bundle definitions may come as YAML (kept as uploaded), up to 256 KiB. */
export function acceptYamlBodies(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(YAML_TYPES, { parseAs: 'string', bodyLimit: YAML_LIMIT }, (_request, body, done) => done(null, body));
}

export class BundleVersionQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10_000) version?: number;
}

export class RetireBody {
  @IsString() @Length(2, 500) reason!: string;
}

const version = new ParseIntPipe({ exceptionFactory: () => CatalogueProblem.BUNDLE_NOT_FOUND('版本须为整数 (the version is an integer)') });

/** The definition in the body: YAML text (kept) or JSON, checked field by field. */
function definitionOf(request: FastifyRequest): { definition: BundleDefinition; source: string | null } {
  const body = request.body as unknown;
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (typeof body === 'string' && !YAML_TYPES.includes(type)) throw CatalogueProblem.BUNDLE_MEDIA_TYPE(type);
  try {
    if (typeof body === 'string') return { definition: definitionFromYaml(BundleDefinitionBody, body, 'bundle'), source: body };
  } catch (err) {
    throw CatalogueProblem.BUNDLE_DEFINITION_INVALID((err as Error).message.slice(0, 1000));
  }
  return { definition: validBody(BundleDefinitionBody, body), source: null };
}

function view(b: BizBundle, stale: string[]) {
  return {
    code: b.code,
    version: b.version,
    name: b.name,
    status: b.status,
    publishedAt: b.publishedAt.toISOString(),
    publishedBy: b.publishedBy,
    retiredAt: b.retiredAt?.toISOString() ?? null,
    retireReason: b.retireReason,
    staleMatters: stale,
    definition: b.definition,
    plan: b.plan,
  };
}

/** 一件事: publish bundles (YAML or JSON) compiled against the catalogue, dry-run a compile, read plans, retire versions. */
@ApiTags('bundles 一件事')
@Controller('internal/v1/business/bundles')
@UseGuards(InternalApiGuard)
@ApiHeader({ name: 'X-Internal-Token', required: true })
export class BundlesController {
  constructor(
    private readonly bundles: BundlesService,
    private readonly publish: PublishBundle,
  ) {}

  @RequireCaller('事项管理员')
  @Post()
  @ApiHeader({ name: 'X-Caller', required: true })
  @ApiConsumes('application/yaml', 'application/json')
  @ApiOperation({ summary: '发布一件事 (publish a version: 201 new, 200 unchanged, 422 with every compile error)' })
  async create(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Caller() caller: string) {
    const { definition, source } = definitionOf(request);
    const { bundle, changed } = await this.publish.execute({ definition, source, by: caller });
    void reply.status(changed ? 201 : 200);
    return { ...view(bundle, []), changed };
  }

  @Post('compile')
  @HttpCode(200)
  @ApiConsumes('application/yaml', 'application/json')
  @ApiOperation({ summary: '试编译 (dry run: the plan, or 422 with every error; nothing stored)' })
  async compile(@Req() request: FastifyRequest) {
    const { plan } = await this.publish.compile(definitionOf(request).definition);
    return { plan };
  }

  @Get()
  @ApiOperation({ summary: '一件事列表 (every version, newest first per bundle)' })
  async list() {
    return {
      bundles: (await this.bundles.list()).map((b) => ({
        code: b.code,
        version: b.version,
        name: b.name,
        status: b.status,
        publishedAt: b.publishedAt.toISOString(),
        matters: b.plan.matters.length,
        committedDays: b.plan.criticalPath.committedDays,
      })),
    };
  }

  @Get(':code')
  @ApiOperation({
    summary: '一件事及其执行计划 (the highest active version, or ?version=; staleMatters: matters changed since it was compiled)',
  })
  async get(@Param('code') code: string, @Query() query: BundleVersionQuery) {
    const bundle = await this.bundles.get(code, query.version);
    return view(bundle, await this.bundles.staleMatters(bundle));
  }

  @RequireCaller('事项管理员')
  @Post(':code/versions/:version/retire')
  @HttpCode(200)
  @ApiHeader({ name: 'X-Caller', required: true })
  @ApiOperation({ summary: '停用一个版本 (retire a version with the reason; kept, never deleted)' })
  async retire(@Param('code') code: string, @Param('version', version) v: number, @Body() body: RetireBody, @Caller() caller: string) {
    return view(await this.bundles.retire(code, v, body.reason, caller), []);
  }
}
