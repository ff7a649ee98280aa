import { Body, Controller, ExecutionContext, Get, Injectable, Param, Put, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { Caller, CommonProblem, InternalApiGuard, RequireCaller } from '@gmp/service-kit';
import { AppCredentialsGuard, type AppRequest } from '../apps/app-credentials.guard.js';
import {
  CAPABILITY_STATUSES,
  type CapabilityStatus,
  type CapabilityVersion,
  VISIBILITIES,
  type Visibility,
} from './capability-version.entity.js';
import { CapabilityRegistryService } from './capability-registry.service.js';
import { GrantsService } from '../grants/grants.service.js';

/** Discovery works without credentials (public capabilities); with an app's credentials, its restricted subscriptions show too. */
@Injectable()
export class OptionalAppCredentialsGuard extends AppCredentialsGuard {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const h = context.switchToHttp().getRequest<AppRequest>().headers;
    if (!h.authorization && !h['x-gmp-app-key'] && !h['x-bg-hmac-access-key'] && !h['x-client-id']) return true;
    return super.canActivate(context);
  }
}

class StatusBody {
  @IsOptional() @IsIn(CAPABILITY_STATUSES) status?: CapabilityStatus;
  @IsOptional() @IsIn(VISIBILITIES) visibility?: Visibility;
  @IsString() @Length(1, 256) reason!: string;
}

const summary = (c: CapabilityVersion) => ({
  code: c.code,
  version: c.version,
  name: c.name,
  description: c.description,
  ownerDepartment: c.ownerDepartment,
  timeoutMs: c.timeoutMs,
  idempotent: c.idempotent,
  status: c.status,
  visibility: c.visibility,
  example: c.example,
});
const full = (c: CapabilityVersion) => ({
  ...summary(c),
  provider: c.provider,
  inputSchema: c.inputSchema,
  outputSchema: c.outputSchema,
  announcedAt: c.announcedAt.toISOString(),
  ...(c.statusReason ? { statusReason: c.statusReason } : {}),
});

/** The capability catalogue as registered (能力目录): list, search, one capability with every version's schemas. */
@ApiTags('capabilities 能力调用')
@Controller('v1/capabilities')
@UseGuards(OptionalAppCredentialsGuard)
export class CapabilityDiscoveryController {
  constructor(
    private readonly registry: CapabilityRegistryService,
    private readonly grants: GrantsService,
  ) {}

  @Get()
  @ApiOperation({ summary: '能力目录 (registered capabilities; ?q= searches code, name, description; ?owner=; ?status=)' })
  async list(@Req() request: AppRequest, @Query('q') q?: string, @Query('owner') owner?: string, @Query('status') status?: string) {
    if (status !== undefined && !CAPABILITY_STATUSES.includes(status as CapabilityStatus))
      throw CommonProblem.INVALID_INPUT(`status: ${CAPABILITY_STATUSES.join(' | ')}`);
    if ((q?.length ?? 0) > 64 || (owner?.length ?? 0) > 64) throw CommonProblem.INVALID_INPUT('q / owner: at most 64 characters');
    return {
      capabilities: (
        await this.registry.list(await this.grants.codesHeldBy(request.app?.appKey ?? null), {
          q,
          owner,
          status: status as CapabilityStatus | undefined,
        })
      ).map(summary),
    };
  }

  @Get(':code')
  @ApiOperation({ summary: '能力详情 (one capability: every version with its input and output JSON Schemas and an example)' })
  async one(@Req() request: AppRequest, @Param('code') code: string) {
    const versions = await this.registry.versions(await this.grants.codesHeldBy(request.app?.appKey ?? null), code);
    return { code, versions: versions.map(full) };
  }
}

/** Operators: deprecate, retire or restrict a capability version (internal network; X-Caller names who). */
@ApiTags('capabilities 能力调用 (operators)')
@Controller('internal/v1/capabilities')
@UseGuards(InternalApiGuard)
@ApiHeader({ name: 'X-Internal-Token', required: true })
export class CapabilityAdminController {
  constructor(private readonly registry: CapabilityRegistryService) {}

  @RequireCaller('操作人')
  @Put(':code/versions/:version')
  @ApiOperation({ summary: '能力版本状态 (status active | deprecated | retired, visibility public | restricted)' })
  @ApiHeader({ name: 'X-Caller', required: true })
  @ApiBody({ type: StatusBody, examples: { 示例: { value: { status: 'deprecated', reason: '请改用第 2 版 (use version 2)' } } } })
  async status(@Param('code') code: string, @Param('version') version: string, @Body() body: StatusBody, @Caller() caller: string) {
    if (!body.status && !body.visibility) throw CommonProblem.INVALID_INPUT('status or visibility');
    return full(
      await this.registry.setStatus(code, version, { status: body.status, visibility: body.visibility, reason: body.reason }, caller),
    );
  }
}
