import { Body, Controller, Get, HttpCode, Param, Post, Put, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AccessTokenGuard, CurrentPrincipal, type Principal } from '@gmp/identity';
import { PolicyBody, PolicyRuleBody } from '../policies/policies.dto.js';
import { PolicyProblem } from '../policies/policies.problems.js';
import { PoliciesService, policyView } from '../policies/policies.service.js';
import { PublishPolicy } from '../policies/usecases/publish-policy/publish-policy.usecase.js';

const PERMISSION = 'policy:manage';

/** Only accountable staff publish policies and scan subjects' data for them: `policy:manage` (the staff account is named in every scanned person's log). */
function publisher(who: Principal): string {
  if (!who.permissions.includes(PERMISSION)) throw PolicyProblem.POLICY_ADMIN_REQUIRED(PERMISSION);
  return who.subject;
}

/**
 * 免申即享 / 政策直达 in the back office: policies with their eligibility (a CEL rule over the
 * data platform's profiles, or a tag), versioned, dry-run before publication — by staff holding
 * `policy:manage`, with their own tokens.
 */
@ApiTags('back office 政策直达')
@ApiBearerAuth()
@Controller('v1/business/back-office/policies')
@UseGuards(AccessTokenGuard)
export class PoliciesController {
  constructor(
    private readonly policies: PoliciesService,
    private readonly publish: PublishPolicy,
  ) {}

  @Get()
  @ApiOperation({ summary: '政策列表 (every policy’s current version, with its offers by status)' })
  async list(@CurrentPrincipal() who: Principal) {
    publisher(who);
    return { policies: await this.policies.list() };
  }

  @Get(':code')
  @ApiOperation({ summary: '政策及其各版本 (a policy, its offers by status and every version)' })
  get(@Param('code') code: string, @CurrentPrincipal() who: Principal) {
    publisher(who);
    return this.policies.get(code);
  }

  @Post(':code/dry-run')
  @HttpCode(200)
  @ApiOperation({
    summary:
      '试运行资格规则 (run a rule over every subject without changing anything: how many match, the difference to the current version; 422 if it does not compile)',
  })
  dryRun(@Param('code') code: string, @Body() body: PolicyRuleBody, @CurrentPrincipal() who: Principal) {
    return this.policies.dryRun(code, body.rule, publisher(who));
  }

  @Put(':code')
  @ApiOperation({
    summary:
      '发布政策新版本 (publish a version: 201 new, 200 unchanged; its rule published on the data platform, members offered it; retired: open offers withdrawn)',
  })
  async put(
    @Param('code') code: string,
    @Body() body: PolicyBody,
    @CurrentPrincipal() who: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { policy, changed, offered, withdrawn, tag } = await this.publish.execute(code, body, publisher(who));
    void reply.status(changed ? 201 : 200);
    return { ...policyView(policy), changed, offered, withdrawn, tag };
  }
}
