import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { Caller, CommonProblem, InternalApiGuard, RequireCaller } from '@gmp/service-kit';
import type { UpstreamAuth } from './usecases/register-upstream/register-upstream.command.js';
import { RegisterUpstream } from './usecases/register-upstream/register-upstream.usecase.js';
import { UPSTREAM_AUTH_KINDS, type UpstreamAuthKind } from './upstream.entity.js';

class UpstreamAuthBody {
  @IsIn([...UPSTREAM_AUTH_KINDS]) kind!: UpstreamAuthKind;
  /** static-key: the header and its value. */
  @IsOptional() @Matches(/^[A-Za-z0-9-]{1,64}$/) header?: string;
  @IsOptional() @IsString() @Length(1, 1024) value?: string;
  /** oauth-client-credentials: the token endpoint, the client, its secret, the scope asked for. */
  @IsOptional() @IsString() @Length(8, 512) tokenUrl?: string;
  @IsOptional() @IsString() @Length(1, 128) clientId?: string;
  @IsOptional() @IsString() @Length(1, 1024) clientSecret?: string;
  @IsOptional() @Matches(/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/) @Length(1, 256) scope?: string;
}

class RegisterUpstreamBody {
  @Matches(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/) @Length(3, 64) code!: string;
  @IsString() @Length(1, 128) name!: string;
  @IsString() @Length(1, 128) ownerDepartment!: string;
  @IsString() @Length(8, 512) baseUrl!: string;
  @Matches(/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]{0,255}$/) path!: string;
  @IsIn(['GET', 'POST']) method!: 'GET' | 'POST';
  @IsDefined() @ValidateNested() @Type(() => UpstreamAuthBody) auth!: UpstreamAuthBody;
  @IsInt() @Min(100) @Max(60_000) timeoutMs!: number;
  @IsInt() @Min(0) @Max(86_400) cacheTtlSeconds!: number;
  @IsOptional() @IsString() @Length(1, 4096) requestMapping?: string;
  @IsOptional() @IsString() @Length(1, 4096) responseMapping?: string;
  @IsObject() inputSchema!: Record<string, unknown>;
}

/** Operators register upstream HTTP APIs as capabilities (internal network; X-Caller names who). */
@ApiTags('proxy 接口代理 (operators)')
@Controller('internal/v1/upstreams')
@UseGuards(InternalApiGuard)
@ApiHeader({ name: 'X-Internal-Token', required: true })
export class UpstreamsAdminController {
  constructor(private readonly registerUpstream: RegisterUpstream) {}

  @RequireCaller('操作人')
  @Post()
  @HttpCode(201)
  @ApiHeader({ name: 'X-Caller', required: true })
  @ApiOperation({ summary: '登记上游接口 (register an upstream HTTP API as a capability)' })
  @ApiBody({
    type: RegisterUpstreamBody,
    examples: {
      示例: {
        value: {
          code: 'proxy.mps.id-check',
          name: '身份核验（部级接口）',
          ownerDepartment: '省公安厅',
          baseUrl: 'https://api.example.gov.cn',
          path: '/v2/id/check',
          method: 'POST',
          auth: {
            kind: 'oauth-client-credentials',
            tokenUrl: 'https://auth.example.gov.cn/oauth/token',
            clientId: 'jiangsu-gmp',
            clientSecret: '…',
            scope: 'id.check',
          },
          timeoutMs: 3000,
          cacheTtlSeconds: 60,
          requestMapping: '{ "sfzh": idNumber, "xm": name }',
          responseMapping: '{ "match": result = "一致" }',
          inputSchema: {
            type: 'object',
            required: ['idNumber', 'name'],
            properties: { idNumber: { type: 'string' }, name: { type: 'string' } },
            additionalProperties: false,
          },
        },
      },
    },
  })
  async register(@Body() body: RegisterUpstreamBody, @Caller() caller: string) {
    const u = await this.registerUpstream.execute({ ...body, auth: authOf(body.auth), by: caller });
    return {
      code: u.code,
      baseUrl: u.baseUrl,
      path: u.path,
      method: u.method,
      auth: u.authKind,
      ...(u.oauthTokenUrl ? { tokenUrl: u.oauthTokenUrl, clientId: u.oauthClientId } : {}),
      timeoutMs: u.timeoutMs,
      cacheTtlSeconds: u.cacheTtlSeconds,
    };
  }
}

/** Each kind with exactly its own fields. */
function authOf(a: UpstreamAuthBody): UpstreamAuth {
  const given = Object.entries(a)
    .filter(([k, v]) => k !== 'kind' && v !== undefined)
    .map(([k]) => k)
    .sort()
    .join(',');
  const wanted = {
    none: '',
    'static-key': 'header,value',
    'oauth-client-credentials': a.scope === undefined ? 'clientId,clientSecret,tokenUrl' : 'clientId,clientSecret,scope,tokenUrl',
  }[a.kind];
  if (given !== wanted)
    throw CommonProblem.INVALID_INPUT(
      `auth.${a.kind}: ${wanted || 'no other fields'}${a.kind === 'oauth-client-credentials' ? ' (scope optional)' : ''}`,
    );
  if (a.kind === 'static-key') return { kind: 'static-key', header: a.header!, value: a.value! };
  if (a.kind === 'oauth-client-credentials')
    return {
      kind: 'oauth-client-credentials',
      tokenUrl: a.tokenUrl!,
      clientId: a.clientId!,
      clientSecret: a.clientSecret!,
      ...(a.scope ? { scope: a.scope } : {}),
    };
  return { kind: 'none' };
}
