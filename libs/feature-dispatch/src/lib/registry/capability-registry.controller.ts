import { Body, Controller, Param, Put, UseGuards } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { Caller, CommonProblem, InternalApiGuard, RequireCaller } from '@gmp/service-kit';
import { CAPABILITY_STATUSES, type CapabilityStatus, VISIBILITIES, type Visibility } from './capability-version.entity.js';
import { CapabilityRegistryService } from './capability-registry.service.js';
import { capabilityDetail } from './capability-views.js';

class StatusBody {
  @IsOptional() @IsIn(CAPABILITY_STATUSES) status?: CapabilityStatus;
  @IsOptional() @IsIn(VISIBILITIES) visibility?: Visibility;
  @IsString() @Length(1, 256) reason!: string;
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
    return capabilityDetail(
      await this.registry.setStatus(code, version, { status: body.status, visibility: body.visibility, reason: body.reason }, caller),
    );
  }
}
