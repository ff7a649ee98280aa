import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import { quoteTablePath } from '@gmp/messaging';
import { Caller, InternalApiGuard, RequireCaller } from '@gmp/service-kit';
import { ShareApplicationBody, ShareDecisionBody, ShareListQuery, ShareRevokeBody, shareView, UnusedItemsQuery } from './sharing.dto.js';
import { ItemUseCounter } from './item-use-counter.service.js';
import { DataShare, DataShareItemUse, type ShareStatus } from './sharing.entities.js';
import { SharingProblem } from './sharing.problems.js';
import { ApplyForShare } from './usecases/apply-for-share/apply-for-share.usecase.js';
import { DecideShare } from './usecases/decide-share/decide-share.usecase.js';
import { RevokeShare } from './usecases/revoke-share/revoke-share.usecase.js';
import { SweepShares } from './usecases/sweep-shares/sweep-shares.usecase.js';

const uuid = new ParseUUIDPipe({ exceptionFactory: () => SharingProblem.APPLICATION_NOT_FOUND('id 须为 UUID (the id is a UUID)') });

/** 数据共享: applications, the owners' decisions, revocations, deadlines and the least-privilege report (internal network; X-Caller names who). */
@ApiTags('sharing 数据共享')
@Controller('internal/v1/data/sharing')
@UseGuards(InternalApiGuard)
@ApiHeader({ name: 'X-Internal-Token', required: true })
export class SharingController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly apply: ApplyForShare,
    private readonly decide: DecideShare,
    private readonly revoke: RevokeShare,
    private readonly sweep: SweepShares,
    private readonly uses: ItemUseCounter,
  ) {}

  @RequireCaller('申请人')
  @Post('applications')
  @ApiHeader({ name: 'X-Caller', required: true })
  @ApiOperation({
    summary:
      '申请共享 (apply: unconditional → approved at once; conditional → the owner answers within 10 working days; not shared → refused with the reason)',
  })
  async create(@Body() body: ShareApplicationBody, @Caller() caller: string) {
    return this.apply.execute(body, caller);
  }

  @Get('applications')
  @ApiOperation({ summary: '共享申请列表 (applications and grants, newest first, at most 500)' })
  async list(@Query() q: ShareListQuery) {
    const where = {
      ...(q.resource ? { resourceCode: q.resource } : {}),
      ...(q.status ? { status: q.status as ShareStatus } : {}),
    };
    const rows = await this.dataSource.getRepository(DataShare).find({
      where: q.department
        ? [
            { ...where, applicantDepartment: q.department },
            { ...where, ownerDepartment: q.department },
          ]
        : where,
      order: { requestedAt: 'DESC' },
      take: 500,
    });
    return { applications: rows.map(shareView) };
  }

  @Get('applications/:id')
  @ApiOperation({ summary: '一项共享申请 (one application or grant)' })
  async get(@Param('id', uuid) id: string) {
    const share = await this.dataSource.getRepository(DataShare).findOneBy({ id });
    if (!share) throw SharingProblem.APPLICATION_NOT_FOUND(id);
    return shareView(share);
  }

  @RequireCaller('审批人')
  @Post('applications/:id/decision')
  @HttpCode(200)
  @ApiHeader({ name: 'X-Caller', required: true })
  @ApiOperation({ summary: '提供部门审批 (the owner approves or refuses, with a reason; 409 DECISION_OVERDUE past the due day)' })
  async decision(@Param('id', uuid) id: string, @Body() body: ShareDecisionBody, @Caller() caller: string) {
    return this.decide.execute(id, body, caller);
  }

  @RequireCaller('撤销人')
  @Post('applications/:id/revoke')
  @HttpCode(200)
  @ApiHeader({ name: 'X-Caller', required: true })
  @ApiOperation({ summary: '撤销授权 (the owner revokes an approved grant, with the reason)' })
  async revokeGrant(@Param('id', uuid) id: string, @Body() body: ShareRevokeBody, @Caller() caller: string) {
    return this.revoke.execute(id, body, caller);
  }

  @Post('deadlines/sweep')
  @HttpCode(200)
  @ApiOperation({
    summary:
      '立即执行期限检查 (run the deadline sweep now: escalate overdue, remind due soon, expire ended grants; it also runs every minute)',
  })
  async sweepNow() {
    return this.sweep.execute();
  }

  @Get('unused-items')
  @ApiOperation({ summary: '最小必要报告 (approved grants’ items not read for N days: candidates to withdraw)' })
  async unused(@Query() q: UnusedItemsQuery) {
    const days = Number(q.days);
    await this.uses.flush(); // this process's reads of the last second count too
    const s = quoteTablePath(this.dataSource.getMetadata(DataShare).tablePath);
    const u = quoteTablePath(this.dataSource.getMetadata(DataShareItemUse).tablePath);
    const rows = (await this.dataSource.query(
      `SELECT s.id, s.resource_code, s.app_key, s.applicant_department, s.decided_at,
              ARRAY(SELECT i FROM jsonb_array_elements_text(s.items) i
                     WHERE NOT EXISTS (SELECT 1 FROM ${u} x WHERE x.share_id = s.id AND x.item = i AND x.last_read_at > now() - make_interval(days => $1))) AS unused
         FROM ${s} s WHERE s.status = 'approved' ORDER BY s.decided_at LIMIT 1000`,
      [days],
    )) as { id: string; resource_code: string; app_key: string; applicant_department: string; decided_at: Date; unused: string[] }[];
    return {
      days,
      grants: rows
        .filter((r) => r.unused.length > 0)
        .map((r) => ({
          grantId: r.id,
          resourceCode: r.resource_code,
          appKey: r.app_key,
          applicantDepartment: r.applicant_department,
          unusedItems: r.unused,
        })),
    };
  }
}
