import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsNull, LessThanOrEqual, type DataSource } from 'typeorm';
import { IsBoolean, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { HOLDER_TYPES, type HolderType, IsHolderId, subjectKeyOf } from '@gmp/contracts';
import { InternalApiGuard, ServiceConfig } from '@gmp/service-kit';
import { DataAccessRecord } from './data-access-record.entity.js';
import { SealAccessLog } from './usecases/seal-access-log/seal-access-log.usecase.js';

export class DataAccessQuery {
  @IsIn(HOLDER_TYPES) holderType!: HolderType;
  @IsHolderId() holderId!: string;
  @IsOptional() @IsInt() @Min(1) @Max(500) limit?: number;
  /** Auditors: include reads still hidden from the subject (with their hidden-until time and reason). */
  @IsOptional() @IsBoolean() includeHidden?: boolean;
}

/**
 * "Who used my data" (数据使用记录): the accesses to one subject's data, newest first.
 * Internal API of the data platform (X-Internal-Token), for auditors and operators; a signed-in
 * person reads their own through dispatch (`data.my-usage`). Reads still hidden from the
 * subject are left out unless `includeHidden` is asked for.
 */
@ApiTags('data-access 数据使用记录')
@Controller('internal/v1/data-access')
@UseGuards(InternalApiGuard)
export class DataAccessController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ServiceConfig,
    private readonly chain: SealAccessLog,
  ) {}

  @Get('verify')
  @ApiOperation({
    summary: '校验数据使用记录哈希链 (walk the SM3 chain: how many records are sealed, whether every link holds, the first that does not)',
  })
  async verify() {
    await this.chain.execute();
    return this.chain.verify();
  }

  @Post('records/search')
  @HttpCode(200)
  @ApiOperation({ summary: '查询个人数据被使用记录 (list accesses to a subject’s data)' })
  async search(@Body() query: DataAccessQuery) {
    const subjectKey = subjectKeyOf(query.holderId, this.config.SUBJECT_KEY_SECRET);
    const records = await this.dataSource.getRepository(DataAccessRecord).find({
      where: query.includeHidden
        ? { subjectKey }
        : [
            { subjectKey, hiddenUntil: IsNull() },
            { subjectKey, hiddenUntil: LessThanOrEqual(new Date()) },
          ],
      order: { accessedAt: 'DESC' },
      take: query.limit ?? 50,
    });
    return {
      records: records.map((r) => ({
        accessedAt: r.accessedAt.toISOString(),
        resource: r.resource,
        provider: r.provider,
        app: r.app,
        endUser: r.endUser,
        outcome: r.outcome,
        purpose: r.purpose,
        legalBasis: r.legalBasis,
        legalBasisTitle: r.legalBasisTitle,
        caseId: r.caseId,
        itemCount: r.itemCount,
        correlationId: r.correlationId,
        department: r.department,
        processing: r.processing,
        bulk: r.bulk,
        ...(r.hiddenUntil ? { hiddenUntil: r.hiddenUntil.toISOString(), hiddenReason: r.hiddenReason } : {}),
      })),
    };
  }
}
