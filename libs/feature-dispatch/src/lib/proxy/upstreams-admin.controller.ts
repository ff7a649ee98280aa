import { Body, Controller, Headers, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { InternalApiGuard, ProblemException, validBody } from '@gmp/service-kit';
import { InterfaceProxy } from './interface-proxy.service.js';

class UpstreamAuth {
  @IsIn(['none', 'static-key']) kind!: 'none' | 'static-key';
  @IsOptional() @Matches(/^[A-Za-z0-9-]{1,64}$/) header?: string;
  @IsOptional() @IsString() @Length(1, 1024) value?: string;
}

class RegisterUpstreamBody {
  @Matches(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/) @Length(3, 64) code!: string;
  @IsString() @Length(1, 128) name!: string;
  @IsString() @Length(1, 128) ownerDepartment!: string;
  @IsString() @Length(8, 512) baseUrl!: string;
  @Matches(/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]{0,255}$/) path!: string;
  @IsIn(['GET', 'POST']) method!: 'GET' | 'POST';
  @IsDefined() @ValidateNested() @Type(() => UpstreamAuth) auth!: UpstreamAuth;
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
  constructor(private readonly proxy: InterfaceProxy) {}

  @Post()
  @HttpCode(201)
  @ApiHeader({ name: 'X-Caller', required: true })
  @ApiOperation({ summary: '登记上游接口 (register an upstream HTTP API as a capability)' })
  @ApiBody({ schema: { type: 'object', example: { code: 'proxy.mps.id-check', name: '身份核验（部级接口）', ownerDepartment: '省公安厅', baseUrl: 'https://api.example.gov.cn', path: '/v2/id/check', method: 'POST', auth: { kind: 'static-key', header: 'X-Api-Key', value: '…' }, timeoutMs: 3000, cacheTtlSeconds: 60, requestMapping: '{ "sfzh": idNumber, "xm": name }', responseMapping: '{ "match": result = "一致" }', inputSchema: { type: 'object', required: ['idNumber', 'name'], properties: { idNumber: { type: 'string' }, name: { type: 'string' } }, additionalProperties: false } } } })
  async register(@Body() body: unknown, @Headers('x-caller') caller?: string) {
    if (!caller || !/^[A-Za-z0-9._:@-]{1,64}$/.test(caller)) throw new ProblemException(400, 'CALLER_REQUIRED', '缺少操作人 (X-Caller header required)');
    const b = validBody(RegisterUpstreamBody, body);
    if (b.auth.kind === 'static-key' && (!b.auth.header || !b.auth.value)) throw new ProblemException(400, 'INVALID_INPUT', '输入无效 (invalid input)', 'auth.static-key needs header and value');
    const auth = b.auth.kind === 'static-key' ? { kind: 'static-key' as const, header: b.auth.header!, value: b.auth.value! } : { kind: 'none' as const };
    const u = await this.proxy.register({ ...b, auth }, caller);
    return { code: u.code, baseUrl: u.baseUrl, path: u.path, method: u.method, auth: u.authKind, timeoutMs: u.timeoutMs, cacheTtlSeconds: u.cacheTtlSeconds };
  }
}
