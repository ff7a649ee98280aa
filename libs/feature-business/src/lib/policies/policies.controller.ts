import { Body, Controller, Get, HttpCode, Param, Post, Put, Res, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Caller, InternalApiGuard, RequireCaller } from '@gmp/service-kit';
import { PolicyBody, PolicyRuleBody } from './policies.dto.js';
import { PoliciesService, policyView } from './policies.service.js';
import { PublishPolicy } from './usecases/publish-policy/publish-policy.usecase.js';

/** 免申即享 / 政策直达: policies with their eligibility (a CEL rule over the data platform's profiles, or a tag), versioned, dry-run before publication. */
@ApiTags('policies 政策直达')
@Controller('internal/v1/business/policies')
@UseGuards(InternalApiGuard)
@ApiHeader({ name: 'X-Internal-Token', required: true })
export class PoliciesController {
  constructor(
    private readonly policies: PoliciesService,
    private readonly publish: PublishPolicy,
  ) {}

  @Get()
  @ApiOperation({ summary: '政策列表 (every policy’s current version, with its offers by status)' })
  async list() {
    return { policies: await this.policies.list() };
  }

  @Get(':code')
  @ApiOperation({ summary: '政策及其各版本 (a policy, its offers by status and every version)' })
  get(@Param('code') code: string) {
    return this.policies.get(code);
  }

  @RequireCaller('政策管理员')
  @Post(':code/dry-run')
  @HttpCode(200)
  @ApiHeader({ name: 'X-Caller', required: true })
  @ApiOperation({
    summary:
      '试运行资格规则 (run a rule over every subject without changing anything: how many match, a sample, the difference to the current version; 422 if it does not compile)',
  })
  dryRun(@Param('code') code: string, @Body() body: PolicyRuleBody, @Caller() caller: string) {
    return this.policies.dryRun(code, body.rule, caller);
  }

  @RequireCaller('政策管理员')
  @Put(':code')
  @ApiHeader({ name: 'X-Caller', required: true })
  @ApiOperation({
    summary:
      '发布政策新版本 (publish a version: 201 new, 200 unchanged; its rule published on the data platform, members offered it; retired: open offers withdrawn)',
  })
  async put(
    @Param('code') code: string,
    @Body() body: PolicyBody,
    @Caller() caller: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { policy, changed, offered, withdrawn, tag } = await this.publish.execute(code, body, caller);
    void reply.status(changed ? 201 : 200);
    return { ...policyView(policy), changed, offered, withdrawn, tag };
  }
}
