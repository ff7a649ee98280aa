import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsISO8601, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import type { DataSource } from 'typeorm';
import { AccessTokenGuard, RequirePermissions } from '@gmp/identity';
import { validBody } from '@gmp/service-kit';
import { IdentityAudit } from './identity-audit.entity.js';
import { OperationLogService } from './operation-log.service.js';
import { PERMISSIONS } from './role.entity.js';
import { LiveGrantGuard } from './live-grant.guard.js';

export class AuditQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
  @IsOptional() @IsISO8601({ strict: true }) before?: string;
  @IsOptional() @IsUUID() accountId?: string;
}

/**
 * Login and operation logs (登录日志、操作日志) for security auditors (`audit:read`), who hold no
 * administration rights themselves (三员分立). Newest first; page with `before`.
 */
@ApiTags('identity 统一身份认证 (audit)')
@ApiBearerAuth()
@Controller('v1/identity/audit')
@UseGuards(AccessTokenGuard, LiveGrantGuard)
@RequirePermissions(PERMISSIONS.AuditRead)
export class IdentityAuditController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly operations: OperationLogService,
  ) {}

  @Get('logins')
  @ApiOperation({ summary: '登录日志 (logins, failures, lock-outs, agent grants, forced logouts)' })
  async logins(@Query() query: Record<string, string>) {
    const q = validBody(AuditQuery, query);
    const builder = this.dataSource
      .getRepository(IdentityAudit)
      .createQueryBuilder('a')
      .orderBy('a.at', 'DESC')
      .limit(q.limit ?? 100);
    if (q.before) builder.andWhere('a.at < :before', { before: new Date(q.before) });
    if (q.accountId) builder.andWhere('a.account_id = :accountId', { accountId: q.accountId });
    return { events: await builder.getMany() };
  }

  @Get('operations')
  @ApiOperation({ summary: '操作日志 (administrative changes and refused attempts)' })
  async operationLog(@Query() query: Record<string, string>) {
    const q = validBody(AuditQuery, query);
    return { operations: await this.operations.list(q.limit ?? 100, q.before ? new Date(q.before) : undefined) };
  }
}
