import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { IsCreditCode } from '@gmp/contracts';
import { InternalApiGuard, validBody } from '@gmp/service-kit';
import { SealService } from './seal.service.js';

export class RegisterSealBody {
  @IsCreditCode() organisationCode!: string;
  @IsString() @Length(1, 128) organisationName!: string;
  @IsString() @Length(1, 128) name!: string;
  @IsIn(['official', 'contract', 'approval', 'finance', 'personal']) type!: 'official' | 'contract' | 'approval' | 'finance' | 'personal';
  @IsInt() @Min(1) @Max(10) validYears!: number;
  @IsArray() @ArrayMaxSize(50) @Matches(/^[A-Za-z0-9._:-]{1,64}$/, { each: true }) grantees!: string[];
}

export class GrantSealBody {
  @Matches(/^[A-Za-z0-9._:-]{1,64}$/) grantee!: string;
}

export class RevokeSealBody {
  @IsString() @Length(1, 256) reason!: string;
  /** From when the seal is void (e.g. when its key was compromised); default now. */
  @IsOptional() @IsISO8601({ strict: true }) effectiveFrom?: string;
}

/** Seal registry administration for the platform operator and the seal authority (X-Internal-Token). */
@ApiTags('e-seal 电子印章 (internal)')
@Controller('internal/v1/seals')
@UseGuards(InternalApiGuard)
export class SealController {
  constructor(private readonly seals: SealService) {}

  @Post()
  @ApiOperation({ summary: '登记印章 (register a seal: made by the platform seal maker, keys kept by the crypto provider)' })
  async register(@Body() body: unknown, @Headers('x-caller') caller?: string) {
    const input = validBody(RegisterSealBody, body);
    return publicSeal(await this.seals.register({ ...input, by: caller ?? 'internal' }));
  }

  @Get(':id')
  @ApiOperation({ summary: '印章信息与用印记录 (a seal and its uses)' })
  async show(@Param('id', new ParseUUIDPipe()) id: string) {
    const seal = await this.seals.find(id);
    return { ...publicSeal(seal), uses: await this.seals.uses(id) };
  }

  @Post(':id/grants')
  @HttpCode(204)
  @ApiOperation({ summary: '授权使用 (let an app use the seal)' })
  async grant(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: unknown, @Headers('x-caller') caller?: string): Promise<void> {
    await this.seals.grant(id, validBody(GrantSealBody, body).grantee, caller ?? 'internal');
  }

  @Post(':id/revoke')
  @HttpCode(204)
  @ApiOperation({ summary: '注销印章 (revoke a seal, optionally from an earlier time)' })
  async revoke(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: unknown): Promise<void> {
    const input = validBody(RevokeSealBody, body);
    await this.seals.revoke(id, input.reason, input.effectiveFrom ? new Date(input.effectiveFrom) : undefined);
  }
}

function publicSeal(s: { id: string; esId: string; organisationCode: string; organisationName: string; name: string; type: string; validFrom: Date; validTo: Date; revokedAt: Date | null; revokedReason: string | null; padesFingerprint: string; sm2PublicKey: string }) {
  return { id: s.id, esID: s.esId, organisationCode: s.organisationCode, organisationName: s.organisationName, name: s.name, type: s.type, validFrom: s.validFrom, validTo: s.validTo, revokedAt: s.revokedAt, revokedReason: s.revokedReason, pdfCertificateSha256: s.padesFingerprint, sm2PublicKey: s.sm2PublicKey };
}
