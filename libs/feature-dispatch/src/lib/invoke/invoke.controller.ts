import { Body, Controller, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiBasicAuth, ApiBody, ApiHeader, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AppCredentialsGuard, type AppRequest } from '../apps/app-credentials.guard.js';
import { CapabilityInvokerService } from './capability-invoker.service.js';
import { type CapabilityInput, callerOf } from './caller-info.util.js';

@ApiTags('capabilities 能力调用')
@Controller('v1/capabilities')
export class InvokeController {
  constructor(private readonly invoker: CapabilityInvokerService) {}

  @Post(':code/invoke')
  @HttpCode(200)
  @UseGuards(AppCredentialsGuard)
  @ApiBasicAuth('app')
  @ApiOperation({
    summary: '调用能力 (invoke a capability synchronously)',
    description: 'Body: the capability input (see its example). Errors: RFC 9457 problem+json.',
  })
  @ApiParam({ name: 'code', example: 'e-licence.query-by-holder' })
  @ApiHeader({ name: 'X-End-User', required: false, description: '最终用户标识 (end user the app acts for)' })
  @ApiHeader({ name: 'X-Purpose', required: false, description: '调用事由 (legal purpose)' })
  @ApiHeader({
    name: 'X-Legal-Basis',
    required: false,
    description:
      '法定依据，无数据主体授权时读取个人数据须声明 (legal basis, percent-encoded; required to read personal data without the subject’s authorisation)',
  })
  @ApiHeader({ name: 'X-Case-Id', required: false, description: '办件编号 (case number)' })
  @ApiHeader({ name: 'X-Correlation-Id', required: false })
  @ApiHeader({
    name: 'X-Capability-Version',
    required: false,
    description: '能力版本，缺省为最新 (capability version; default: the highest)',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: '幂等键：同一键只执行一次，重复请求得到同一结果（保留 24 小时）(same key → same answer, executed once; kept 24 h)',
  })
  @ApiBody({ schema: { type: 'object', example: { holderType: 'person', holderId: '11010519491231002X' } } })
  async invoke(
    @Param('code') code: string,
    @Body() input: CapabilityInput,
    @Req() request: AppRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const caller = callerOf(request);
    try {
      const { output, replayed } = await this.invoker.invoke(code, input, caller);
      if (replayed) void reply.header('Idempotent-Replayed', 'true');
      return output;
    } finally {
      // Set by the invoker once it knew; also on error answers.
      if (caller.deprecated) void reply.header('Deprecation', 'true');
    }
  }
}
