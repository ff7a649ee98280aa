import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { LEGAL_BASIS_CODE } from '../legal-bases/legal-basis.entity.js';
import { LimitsBody } from '../quota/limits.dto.js';
import { Caller, CommonProblem, InternalApiGuard, RequireCaller } from '@gmp/service-kit';
import { AppCredentialsGuard, type AppRequest } from '../apps/app-credentials.guard.js';
import { type CapabilityGrant, GRANT_STATUSES, type GrantStatus } from './capability-grant.entity.js';
import { GrantsService } from './grants.service.js';

class SubscribeBody {
  @Matches(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/, { message: 'capability 须为能力编码，如 e-licence.get (a capability code)' })
  capability!: string;
  @IsString() @Length(2, 256) purpose!: string;
  /** Registered legal bases the app wants to declare with this capability (GET /v1/legal-bases?capability=…). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(LEGAL_BASIS_CODE, { each: true, message: 'legalBases: 法定依据编码 (legal-basis codes)' })
  legalBases?: string[];
}

class DecisionBody {
  @IsIn(['approve', 'reject', 'revoke']) decision!: 'approve' | 'reject' | 'revoke';
  @IsOptional() @IsString() @Length(1, 256) reason?: string;
  /** With approve: the legal bases granted (default: those the app asked for). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(LEGAL_BASIS_CODE, { each: true, message: 'legalBases: 法定依据编码 (legal-basis codes)' })
  legalBases?: string[];
}

class LegalBasesBody {
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(LEGAL_BASIS_CODE, { each: true, message: 'legalBases: 法定依据编码 (legal-basis codes)' })
  legalBases!: string[];
}

const view = (g: CapabilityGrant) => ({
  id: g.id,
  app: g.appKey,
  capability: g.capabilityCode,
  status: g.status,
  purpose: g.purpose,
  ratePerSecond: g.ratePerSecond,
  quotaPerDay: g.quotaPerDay,
  requestedLegalBases: g.requestedLegalBases,
  legalBases: g.legalBases,
  requestedAt: g.requestedAt.toISOString(),
  ...(g.decidedAt ? { decidedAt: g.decidedAt.toISOString(), decidedBy: g.decidedBy, reason: g.decisionReason } : {}),
});

/** An app's own subscriptions (订阅): ask for a capability, see where the requests stand. */
@ApiTags('subscriptions 能力订阅')
@Controller('v1/subscriptions')
@UseGuards(AppCredentialsGuard)
@ApiBasicAuth('app')
export class SubscriptionsController {
  constructor(private readonly grants: GrantsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: '订阅能力 (ask to use a capability; the owner approves or rejects)' })
  @ApiBody({
    type: SubscribeBody,
    examples: {
      示例: {
        value: {
          capability: 'e-licence.query-by-holder',
          purpose: '企业开办一件事：核验营业执照',
          legalBases: ['demo.market-entity-registration'],
        },
      },
    },
  })
  async subscribe(@Body() body: SubscribeBody, @Req() request: AppRequest) {
    return view(await this.grants.request(request.app!.appKey, body.capability, body.purpose, body.legalBases));
  }

  @Get()
  @ApiOperation({ summary: '本应用的订阅 (this app’s subscriptions)' })
  async mine(@Req() request: AppRequest) {
    return { subscriptions: (await this.grants.list({ appKey: request.app!.appKey })).map(view) };
  }
}

/**
 * For the capabilities' owners and operators (internal network, X-Internal-Token; X-Caller
 * names who decides): pending requests, approve / reject, revoke.
 */
@ApiTags('subscriptions 能力订阅 (owners)')
@Controller('internal/v1/subscriptions')
@UseGuards(InternalApiGuard)
@ApiHeader({ name: 'X-Internal-Token', required: true })
export class SubscriptionsAdminController {
  constructor(private readonly grants: GrantsService) {}

  @Get()
  @ApiOperation({ summary: '订阅列表 (subscriptions, e.g. ?status=pending)' })
  async list(@Query('status') status?: string, @Query('capability') capability?: string, @Query('app') app?: string) {
    if (status !== undefined && !GRANT_STATUSES.includes(status as GrantStatus))
      throw CommonProblem.INVALID_INPUT(`status: ${GRANT_STATUSES.join(' | ')}`);
    return {
      subscriptions: (await this.grants.list({ status: status as GrantStatus | undefined, capabilityCode: capability, appKey: app })).map(
        view,
      ),
    };
  }

  @RequireCaller('审批人')
  @Post(':id/decision')
  @HttpCode(200)
  @ApiOperation({ summary: '审批或撤销订阅 (approve, reject or revoke a subscription)' })
  @ApiHeader({ name: 'X-Caller', required: true, description: '审批人 (who decides)' })
  @ApiBody({
    type: DecisionBody,
    examples: { 示例: { value: { decision: 'approve', reason: '用途合法，范围必要', legalBases: ['demo.market-entity-registration'] } } },
  })
  async decide(
    @Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 400 })) id: string,
    @Body() body: DecisionBody,
    @Caller() caller: string,
  ) {
    return view(await this.grants.decide(id, body.decision, caller, body.reason ?? null, body.legalBases));
  }

  @RequireCaller('审批人')
  @Put(':id/legal-bases')
  @ApiOperation({ summary: '设置该订阅可声明的法定依据 (the legal bases this app may declare with this capability)' })
  @ApiHeader({ name: 'X-Caller', required: true, description: '能力所有方 (the owner who decides)' })
  @ApiBody({ type: LegalBasesBody, examples: { 示例: { value: { legalBases: ['demo.market-entity-registration'] } } } })
  async legalBases(@Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 400 })) id: string, @Body() body: LegalBasesBody) {
    return view(await this.grants.setLegalBases(id, body.legalBases));
  }

  @Put(':id/limits')
  @ApiOperation({ summary: '设置该订阅的限流与日配额 (rate limit and daily quota of this app × capability; null = none at this level)' })
  @ApiBody({ type: LimitsBody, examples: { 示例: { value: { ratePerSecond: 20, quotaPerDay: 50000 } } } })
  async limits(@Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 400 })) id: string, @Body() body: LimitsBody) {
    return view(await this.grants.setLimits(id, { ratePerSecond: body.ratePerSecond, quotaPerDay: body.quotaPerDay }));
  }
}
