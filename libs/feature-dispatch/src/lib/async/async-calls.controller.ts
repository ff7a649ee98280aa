import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AppCredentialsGuard, type AppRequest } from '../apps/app-credentials.guard.js';
import { AsyncCalls } from './async-calls.service.js';

/** Asynchronous calls: 202 with a call id; the answer by id or at the app's callback URL. */
@ApiTags('capabilities 能力调用')
@UseGuards(AppCredentialsGuard)
@ApiBasicAuth('app')
@Controller('v1')
export class AsyncCallsController {
  constructor(private readonly calls: AsyncCalls) {}

  @Post('capabilities/:code/invoke-async')
  @HttpCode(202)
  @ApiOperation({ summary: '异步调用能力 (invoke asynchronously: 202 + callId; result at GET /v1/calls/{callId} and at the app’s callback URL)' })
  @ApiParam({ name: 'code', example: 'e-licence.query-by-holder' })
  submit(
    @Param('code') code: string,
    @Body() body: unknown,
    @Req() request: AppRequest,
    @Headers('x-end-user') endUser?: string,
    @Headers('x-purpose') purpose?: string,
    @Headers('x-case-id') caseId?: string,
    @Headers('x-legal-basis') legalBasis?: string,
    @Headers('x-capability-version') version?: string,
  ) {
    return this.calls.submit(code, body, { appKey: request.app!.appKey, limits: request.app!.limits, ...(version !== undefined ? { version } : {}), endUser: request.tokenEndUser ?? endUser, endUserAuthenticated: request.tokenEndUser !== undefined, purpose: purpose && decode(purpose), legalBasis: legalBasis && decode(legalBasis), caseId });
  }

  @Get('calls/:id')
  @ApiOperation({ summary: '异步调用结果 (an asynchronous call: status, result or problem, callback delivery)' })
  one(@Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 400 })) id: string, @Req() request: AppRequest) {
    return this.calls.view(id, request.app!.appKey);
  }
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
