import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, Length, Matches } from 'class-validator';
import { Caller, CommonProblem, InternalApiGuard, RequireCaller } from '@gmp/service-kit';
import { AppCredentialsGuard } from '../apps/app-credentials.guard.js';
import { LEGAL_BASIS_CODE, LEGAL_BASIS_STATUSES, type LegalBasis, type LegalBasisStatus, legalBasisTitle } from './legal-basis.entity.js';
import { LegalBasesService } from './legal-bases.service.js';

const CAPABILITY_CODE = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

class RegisterLegalBasisBody {
  @Matches(LEGAL_BASIS_CODE, {
    message: 'code: 2–64 个小写字母、数字或 ._-，如 gov-data-sharing.art-13 (lowercase letters, digits, . _ -)',
  })
  code!: string;
  @IsString() @Length(2, 128) law!: string;
  @IsString() @Length(1, 64) article!: string;
  @IsString() @Length(2, 512) summary!: string;
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @Matches(CAPABILITY_CODE, { each: true, message: 'capabilities: 能力编码 (capability codes)' })
  capabilities!: string[];
  @IsString() @Length(2, 256) dataOpened!: string;
}

export const legalBasisView = (b: LegalBasis) => ({
  code: b.code,
  title: legalBasisTitle(b),
  law: b.law,
  article: b.article,
  summary: b.summary,
  capabilities: b.capabilities,
  dataOpened: b.dataOpened,
  status: b.status,
  registeredBy: b.registeredBy,
  registeredAt: b.registeredAt.toISOString(),
  ...(b.retiredAt ? { retiredAt: b.retiredAt.toISOString() } : {}),
});

function statusFilter(status: string | undefined): LegalBasisStatus | undefined {
  if (status !== undefined && !LEGAL_BASIS_STATUSES.includes(status as LegalBasisStatus))
    throw CommonProblem.INVALID_INPUT(`status: ${LEGAL_BASIS_STATUSES.join(' | ')}`);
  return status as LegalBasisStatus | undefined;
}

function capabilityFilter(capability: string | undefined): string | undefined {
  if (capability !== undefined && !CAPABILITY_CODE.test(capability))
    throw CommonProblem.INVALID_INPUT('capability: 能力编码 (a capability code)');
  return capability;
}

/** Business lines read which legal bases exist for a capability (to ask for them with a subscription). */
@ApiTags('legal bases 法定依据')
@Controller('v1/legal-bases')
@UseGuards(AppCredentialsGuard)
@ApiBasicAuth('app')
export class LegalBasesController {
  constructor(private readonly bases: LegalBasesService) {}

  @Get()
  @ApiOperation({ summary: '已登记的法定依据 (registered legal bases, e.g. ?capability=e-licence.query-by-holder)' })
  async list(@Query('capability') capability?: string) {
    return { legalBases: (await this.bases.list({ capability: capabilityFilter(capability), status: 'active' })).map(legalBasisView) };
  }
}

/** Operators register and retire legal bases (internal network, X-Internal-Token; X-Caller names who). */
@ApiTags('legal bases 法定依据 (operators)')
@Controller('internal/v1/legal-bases')
@UseGuards(InternalApiGuard)
@ApiHeader({ name: 'X-Internal-Token', required: true })
export class LegalBasesAdminController {
  constructor(private readonly bases: LegalBasesService) {}

  @RequireCaller('登记人')
  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: '登记法定依据 (register a legal basis: law, article, the capabilities it opens)' })
  @ApiHeader({ name: 'X-Caller', required: true, description: '登记人 (who registers)' })
  @ApiBody({
    type: RegisterLegalBasisBody,
    examples: {
      示例: {
        value: {
          code: 'gov-data-sharing.art-13',
          law: '《政务数据共享条例》',
          article: '第十三条',
          summary: '政务部门履行职责需要使用共享数据',
          capabilities: ['e-licence.query-by-holder'],
          dataOpened: '电子证照目录信息',
        },
      },
    },
  })
  async register(@Body() body: RegisterLegalBasisBody, @Caller() by: string) {
    return legalBasisView(await this.bases.register(body, by));
  }

  @Get()
  @ApiOperation({ summary: '法定依据列表 (legal bases, ?status=active|retired&capability=…)' })
  async list(@Query('status') status?: string, @Query('capability') capability?: string) {
    return {
      legalBases: (await this.bases.list({ status: statusFilter(status), capability: capabilityFilter(capability) })).map(legalBasisView),
    };
  }

  @Get(':code')
  @ApiOperation({ summary: '一条法定依据 (one legal basis)' })
  async one(@Param('code') code: string) {
    if (!LEGAL_BASIS_CODE.test(code)) throw CommonProblem.INVALID_INPUT('code: 法定依据编码 (a legal-basis code)');
    return legalBasisView(await this.bases.get(code));
  }

  @RequireCaller()
  @Post(':code/retire')
  @HttpCode(200)
  @ApiOperation({ summary: '停用法定依据 (retire: no call may declare it any more)' })
  @ApiHeader({ name: 'X-Caller', required: true })
  async retire(@Param('code') code: string) {
    if (!LEGAL_BASIS_CODE.test(code)) throw CommonProblem.INVALID_INPUT('code: 法定依据编码 (a legal-basis code)');
    return legalBasisView(await this.bases.retire(code));
  }
}
