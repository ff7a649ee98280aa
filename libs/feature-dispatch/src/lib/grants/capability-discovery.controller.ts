import { Controller, Get, Param, Query, Req, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommonProblem } from '@gmp/service-kit';
import { type AppRequest, OptionalAppCredentialsGuard } from '../apps/app-credentials.guard.js';
import { CapabilityRegistryService } from '../registry/capability-registry.service.js';
import { capabilityDetail, capabilitySummary } from '../registry/capability-views.js';
import { CAPABILITY_STATUSES, type CapabilityStatus } from '../registry/capability-version.entity.js';
import { GrantsService } from './grants.service.js';

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
      ).map(capabilitySummary),
    };
  }

  @Get(':code')
  @ApiOperation({ summary: '能力详情 (one capability: every version with its input and output JSON Schemas and an example)' })
  async one(@Req() request: AppRequest, @Param('code') code: string) {
    const versions = await this.registry.versions(await this.grants.codesHeldBy(request.app?.appKey ?? null), code);
    return { code, versions: versions.map(capabilityDetail) };
  }
}
