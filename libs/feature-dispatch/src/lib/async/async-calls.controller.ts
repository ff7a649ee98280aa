import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AppCredentialsGuard, type AppRequest } from '../apps/app-credentials.guard.js';
import { type CapabilityInput, callerOf } from '../invoke/caller-info.util.js';
import { AsyncCallsService } from './async-calls.service.js';

/** Asynchronous calls: 202 with a call id; the answer by id or at the app's callback URL. */
@ApiTags('capabilities 能力调用')
@UseGuards(AppCredentialsGuard)
@ApiBasicAuth('app')
@Controller('v1')
export class AsyncCallsController {
  constructor(private readonly calls: AsyncCallsService) {}

  @Post('capabilities/:code/invoke-async')
  @HttpCode(202)
  @ApiOperation({
    summary: '异步调用能力 (invoke asynchronously: 202 + callId; result at GET /v1/calls/{callId} and at the app’s callback URL)',
  })
  @ApiParam({ name: 'code', example: 'e-licence.query-by-holder' })
  submit(@Param('code') code: string, @Body() input: CapabilityInput, @Req() request: AppRequest) {
    // Idempotency keys are for synchronous calls; an async call is identified by its call id.
    const { idempotencyKey: _ignored, ...caller } = callerOf(request);
    return this.calls.submit(code, input, caller);
  }

  @Get('calls/:id')
  @ApiOperation({ summary: '异步调用结果 (an asynchronous call: status, result or problem, callback delivery)' })
  one(@Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 400 })) id: string, @Req() request: AppRequest) {
    return this.calls.view(id, request.app!.appKey, request.tokenEndUser);
  }
}
