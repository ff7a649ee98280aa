import { Body, Controller, Headers, HttpCode, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsISO8601, IsString, Length, Matches } from 'class-validator';
import { IsCitizenIdNumber, IsCreditCode } from '@gmp/contracts';
import { InternalApiGuard } from '@gmp/service-kit';
import { AgentsService } from './agents.service.js';

export class RegisterLegalPersonBody {
  @IsCreditCode() creditCode!: string;
  @IsString() @Length(1, 128) name!: string;
}

export class GrantAgentBody {
  @IsCreditCode() creditCode!: string;
  @IsCitizenIdNumber() agentIdNumber!: string;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @Matches(/^[a-z][a-z0-9-]*:[a-z][a-z0-9-]*$/, { each: true }) scopes!: string[];
  @IsISO8601({ strict: true }) validUntil!: string;
}

/** Administration of legal persons and agents (internal API until the admin console and staff roles exist). */
@ApiTags('identity 统一身份认证 (internal)')
@Controller('internal/v1')
@UseGuards(InternalApiGuard)
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Post('legal-persons')
  @ApiOperation({ summary: '登记法人 (register a legal person)' })
  async register(@Body() input: RegisterLegalPersonBody) {
    const company = await this.agents.registerLegalPerson(input.creditCode, input.name);
    return { id: company.id, name: company.name };
  }

  @Post('agent-authorisations')
  @ApiOperation({ summary: '授权经办人 (authorise an agent for a legal person)' })
  async grant(@Body() input: GrantAgentBody, @Headers('x-caller') caller?: string) {
    const a = await this.agents.grant(
      input.creditCode,
      input.agentIdNumber,
      input.scopes,
      new Date(input.validUntil),
      caller ?? 'internal',
    );
    return { id: a.id, scopes: a.scopes, validUntil: a.validUntil.toISOString() };
  }

  @Post('agent-authorisations/:id/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: '撤销经办人授权，立即生效 (revoke, effective at once)' })
  async revoke(@Param('id', new ParseUUIDPipe()) id: string, @Headers('x-caller') caller?: string) {
    await this.agents.revoke(id, caller ?? 'internal');
    return { revoked: true };
  }
}
