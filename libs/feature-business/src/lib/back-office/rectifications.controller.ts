import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessTokenGuard, CurrentPrincipal, type Principal } from '@gmp/identity';
import { RatingProblem } from '../ratings/ratings.problems.js';
import { WorkRectification } from '../ratings/usecases/work-rectification/work-rectification.usecase.js';
import {
  ExtendRectificationBody,
  RectificationRequestBody,
  RectificationReviewBody,
  RectificationsQuery,
  RectifiedBody,
  UUID,
} from './back-office.dto.js';

function rectificationId(raw: string): string {
  if (!UUID.test(raw)) throw RatingProblem.RECTIFICATION_NOT_FOUND(raw.slice(0, 64));
  return raw.toLowerCase();
}

/**
 * 差评整改 in the back office: the rated department's staff (`case:handle`) work their
 * rectifications within their data scope; reviewers (`rating:review`) decide the requests.
 */
@ApiTags('back office 部门审批')
@ApiBearerAuth()
@Controller('v1/business/back-office/rectifications')
@UseGuards(AccessTokenGuard)
export class RectificationsController {
  constructor(private readonly work: WorkRectification) {}

  @Get()
  @ApiOperation({ summary: '差评整改任务 (open: 待整改, 整改中, 待审核 — within my data scope; each with whether it is overdue)' })
  list(@Query() query: RectificationsQuery, @CurrentPrincipal() who: Principal) {
    return this.work.list(who, query.box ?? 'open', query.limit ?? 20, query.offset ?? 0);
  }

  @Post(':id/start')
  @HttpCode(200)
  @ApiOperation({ summary: '开始整改 (待整改 → 整改中)' })
  start(@Param('id') id: string, @CurrentPrincipal() who: Principal) {
    return this.work.start(rectificationId(id), who);
  }

  @Post(':id/finish')
  @HttpCode(200)
  @ApiOperation({ summary: '已整改 (整改中 → 已整改, with what was done; a sample is revisited)' })
  finish(@Param('id') id: string, @Body() body: RectifiedBody, @CurrentPrincipal() who: Principal) {
    return this.work.finish(rectificationId(id), who, body.note);
  }

  @Post(':id/extend')
  @HttpCode(200)
  @ApiOperation({ summary: '整改延期 (once, 1–10 working days, with a reason)' })
  extend(@Param('id') id: string, @Body() body: ExtendRectificationBody, @CurrentPrincipal() who: Principal) {
    return this.work.extend(rectificationId(id), who, body.days, body.reason);
  }

  @Post(':id/request')
  @HttpCode(200)
  @ApiOperation({ summary: '申请认定无效评价或无法整改 (to a reviewer)' })
  request(@Param('id') id: string, @Body() body: RectificationRequestBody, @CurrentPrincipal() who: Principal) {
    return this.work.request(rectificationId(id), who, body.kind, body.reason);
  }

  @Post(':id/review')
  @HttpCode(200)
  @ApiOperation({
    summary:
      '审核 / 验收 (rating:review: approve a request or send it back; on a rectified one, close it — 办结 — or send it back to be rectified)',
  })
  review(@Param('id') id: string, @Body() body: RectificationReviewBody, @CurrentPrincipal() who: Principal) {
    return this.work.review(rectificationId(id), who, body.approve, body.note, body.revisitSatisfied);
  }
}
