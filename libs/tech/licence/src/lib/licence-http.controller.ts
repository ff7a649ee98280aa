import { Body, Controller, Headers, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { CallMeta, LicenceByHolderInput, type LicenceByHolderReply, validateMessage } from '@gmp/contracts';
import { currentContext } from '@gmp/observability';
import { Caller, CommonProblem, headerValue, InternalApiGuard, RequireCaller } from '@gmp/service-kit';
import { LicenceQueryService } from './licence-query.service.js';

/**
 * Direct HTTP entry of the e-licence lookup, for callers inside the platform's network (the
 * same service method as the Kafka handler). Business lines go through service-dispatch. It
 * takes no legal basis: bases are granted per app and capability in dispatch, so a read under a
 * legal basis goes through dispatch; here only the holder's use authorisations apply.
 */
@ApiTags('e-licence 电子证照 (internal)')
@Controller('internal/v1/licences')
@UseGuards(InternalApiGuard)
export class LicenceHttpController {
  constructor(private readonly licences: LicenceQueryService) {}

  @Post('query-by-holder')
  @HttpCode(200)
  @ApiOperation({ summary: '按持证主体查询电子证照（内部）(internal: licences of a holder)' })
  @ApiHeader({ name: 'X-Internal-Token', required: true, description: 'INTERNAL_API_TOKEN' })
  @ApiHeader({ name: 'X-Caller', required: true, description: '调用方服务或应用 (calling service or app)' })
  @ApiHeader({ name: 'X-Purpose', required: false })
  @ApiBody({ type: LicenceByHolderInput, examples: { person: { value: { holderType: 'person', holderId: '11010519491231002X' } } } })
  @RequireCaller('调用方 (calling service)', {
    pattern: /^[A-Za-z0-9._-]{1,64}$/,
    detail: 'Every access to personal data names its caller.',
  })
  async byHolder(
    @Body() input: LicenceByHolderInput,
    @Caller() caller: string,
    @Headers('x-purpose') purpose?: string,
  ): Promise<LicenceByHolderReply> {
    const why = headerValue(purpose, 'X-Purpose', { decode: true, max: 256 });
    const meta: CallMeta = {
      messageId: randomUUID(),
      correlationId: currentContext()?.correlationId ?? randomUUID(),
      app: caller,
      ...(why ? { purpose: why } : {}),
      sentAt: new Date().toISOString(),
    };
    const metaCheck = validateMessage(CallMeta, meta);
    if (!metaCheck.ok) throw CommonProblem.INVALID_HEADER(undefined, metaCheck.errors);
    return this.licences.byHolder({ meta, input });
  }
}
