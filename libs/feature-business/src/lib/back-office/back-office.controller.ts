import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessTokenGuard, CurrentPrincipal, type Principal, RequirePermissions } from '@gmp/identity';
import { ActionBody, CommitmentDecisionBody, CommitmentsQuery, ExtendBody, InboxQuery, PauseBody, UUID } from './back-office.dto.js';
import { BackOfficeProblem } from './back-office.problems.js';
import { commitmentView, StaffPartsService } from './staff-parts.service.js';
import { ClaimPart } from './usecases/claim-part/claim-part.usecase.js';
import { DecideCommitment } from './usecases/decide-commitment/decide-commitment.usecase.js';
import { PartClock } from './usecases/part-clock/part-clock.usecase.js';
import { TakeAction } from './usecases/take-action/take-action.usecase.js';

/** A part id that cannot exist is answered like one outside the data scope: 404. */
function partId(raw: string): string {
  if (!UUID.test(raw)) throw BackOfficeProblem.PART_NOT_FOUND(raw.slice(0, 64));
  return raw.toLowerCase();
}

const MATERIAL = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * 部门审批 (back office): department staff signed in through identity work their parts of cases —
 * to-do box by role, claim, workflow steps (受理, 办结, 不予办理, 退回补正 …). Their token's
 * department and data scope decide what they see; the permission `case:handle` what they may do.
 */
@ApiTags('back office 部门审批')
@ApiBearerAuth()
@Controller('v1/business/back-office')
@UseGuards(AccessTokenGuard)
@RequirePermissions('case:handle')
export class BackOfficeController {
  constructor(
    private readonly parts: StaffPartsService,
    private readonly claims: ClaimPart,
    private readonly take: TakeAction,
    private readonly commitments: DecideCommitment,
    private readonly clock: PartClock,
  ) {}

  @Get('parts')
  @ApiOperation({ summary: '待办 / 我签收的 / 已办 (to-do by role, claimed by me, decided — within my data scope)' })
  inbox(@Query() query: InboxQuery, @CurrentPrincipal() who: Principal) {
    return this.parts.inbox(who, query.box ?? 'todo', query.limit ?? 20, query.offset ?? 0);
  }

  @Get('parts/:partId')
  @ApiOperation({ summary: '办件部分详情 (the part: form, materials, marks, timeline, the steps open to me)' })
  detail(@Param('partId') id: string, @CurrentPrincipal() who: Principal) {
    return this.parts.detail(partId(id), who);
  }

  @Post('parts/:partId/claim')
  @HttpCode(200)
  @ApiOperation({ summary: '签收 (claim the part: 409 if another staff member holds it)' })
  async claim(@Param('partId') id: string, @CurrentPrincipal() who: Principal) {
    const part = await this.claims.claim(partId(id), who);
    return { partId: part.id, assignee: part.assignee, claimedAt: part.claimedAt?.toISOString() ?? null };
  }

  @Post('parts/:partId/release')
  @HttpCode(204)
  @ApiOperation({ summary: '退签 (give a claimed part back to the department’s to-do box)' })
  async release(@Param('partId') id: string, @CurrentPrincipal() who: Principal): Promise<void> {
    await this.claims.release(partId(id), who);
  }

  @Post('parts/:partId/actions')
  @HttpCode(200)
  @ApiOperation({ summary: '办理 (take a workflow step: 办结 with outputs, 不予办理 / 退回补正 with a reason and marks)' })
  act(@Param('partId') id: string, @Body() body: ActionBody, @CurrentPrincipal() who: Principal) {
    return this.take.execute({
      partId: partId(id),
      principal: who,
      action: body.action,
      ...(body.reason !== undefined ? { reason: body.reason } : {}),
      ...(body.outputs ? { outputs: body.outputs } : {}),
      ...(body.marks ? { marks: body.marks } : {}),
    });
  }

  @Post('parts/:partId/clock/pause')
  @HttpCode(200)
  @ApiOperation({ summary: '暂停计时 (a special procedure — 公示, 检测, 专家评审, 听证 … — is not counted in the time limit)' })
  pause(@Param('partId') id: string, @Body() body: PauseBody, @CurrentPrincipal() who: Principal) {
    return this.clock.pause(partId(id), who, body.reason, body.note);
  }

  @Post('parts/:partId/clock/resume')
  @HttpCode(200)
  @ApiOperation({ summary: '恢复计时 (the due days move by the working days paused)' })
  resume(@Param('partId') id: string, @CurrentPrincipal() who: Principal) {
    return this.clock.resume(partId(id), who);
  }

  @Post('parts/:partId/clock/extend')
  @HttpCode(200)
  @ApiOperation({ summary: '延期 (extend the due day with a reason, within the matter’s legal time limit)' })
  extend(@Param('partId') id: string, @Body() body: ExtendBody, @CurrentPrincipal() who: Principal) {
    return this.clock.extend(partId(id), who, body.days, body.reason);
  }

  @Get('commitments')
  @ApiOperation({
    summary: '告知承诺待认定 (commitments to decide: failed data checks, inspections of delivered cases — within my data scope)',
  })
  commitmentList(@Query() query: CommitmentsQuery, @CurrentPrincipal() who: Principal) {
    return this.parts.commitments(who, query.box ?? 'open', query.limit ?? 20, query.offset ?? 0);
  }

  @Post('parts/:partId/commitments/:material')
  @HttpCode(200)
  @ApiOperation({
    summary: '告知承诺认定 (kept: inspection passed or the failed check explained; broken: licences revoked, a credit record written)',
  })
  async decideCommitment(
    @Param('partId') id: string,
    @Param('material') material: string,
    @Body() body: CommitmentDecisionBody,
    @CurrentPrincipal() who: Principal,
  ) {
    if (!MATERIAL.test(material)) throw BackOfficeProblem.COMMITMENT_NOT_FOUND(material.slice(0, 64));
    const row = await this.commitments.execute({
      partId: partId(id),
      material,
      principal: who,
      decision: body.decision,
      reason: body.reason,
    });
    return commitmentView(row);
  }
}
