import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { IsCreditCode } from '@gmp/contracts';
import { certificatesPem } from '@gmp/e-seal';
import { InternalApiGuard } from '@gmp/service-kit';
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

/**
 * Seal registry administration for the platform operator and the seal authority
 * (`/internal/v1/seals`, X-Internal-Token on every route), and the platform seal CA's
 * certificates, which are public (`/pki/seal-ca*`, no authentication): a verifier that trusts
 * the CA sees the chain of every sealed PDF.
 */
@ApiTags('e-seal 电子印章')
@Controller()
export class SealController {
  constructor(private readonly seals: SealService) {}

  @Get('pki/seal-ca.pem')
  @ApiProduces('application/x-pem-file')
  @ApiOperation({
    summary: '印章 CA 证书 PEM (the platform seal CA certificate, ECDSA P-256, that issues the seals’ PDF certificates; public)',
  })
  async caPem(@Res() reply: FastifyReply): Promise<void> {
    await sendCertificate(reply, (await this.seals.caCertificates()).p256, 'pem', 'gmp-seal-ca');
  }

  @Get('pki/seal-ca.der')
  @ApiProduces('application/pkix-cert')
  @ApiOperation({ summary: '印章 CA 证书 DER (the same certificate, DER; public)' })
  async caDer(@Res() reply: FastifyReply): Promise<void> {
    await sendCertificate(reply, (await this.seals.caCertificates()).p256, 'der', 'gmp-seal-ca');
  }

  @Get('pki/seal-ca-sm2.pem')
  @ApiProduces('application/x-pem-file')
  @ApiOperation({
    summary: '印章 CA 国密证书 PEM (the platform seal CA certificate, SM2, that issues the seals’ SM2 certificates; public)',
  })
  async caSm2Pem(@Res() reply: FastifyReply): Promise<void> {
    await sendCertificate(reply, (await this.seals.caCertificates()).sm2, 'pem', 'gmp-seal-ca-sm2');
  }

  @Get('pki/seal-ca-sm2.der')
  @ApiProduces('application/pkix-cert')
  @ApiOperation({ summary: '印章 CA 国密证书 DER (the same SM2 certificate, DER; public)' })
  async caSm2Der(@Res() reply: FastifyReply): Promise<void> {
    await sendCertificate(reply, (await this.seals.caCertificates()).sm2, 'der', 'gmp-seal-ca-sm2');
  }

  @Post('internal/v1/seals')
  @UseGuards(InternalApiGuard)
  @ApiOperation({ summary: '登记印章 (register a seal: made by the platform seal maker, keys kept by the crypto provider)' })
  async register(@Body() input: RegisterSealBody, @Headers('x-caller') caller?: string) {
    return publicSeal(await this.seals.register({ ...input, by: caller ?? 'internal' }));
  }

  @Get('internal/v1/seals/:id')
  @UseGuards(InternalApiGuard)
  @ApiOperation({ summary: '印章信息与用印记录 (a seal and its uses)' })
  async show(@Param('id', new ParseUUIDPipe()) id: string) {
    const seal = await this.seals.find(id);
    return { ...publicSeal(seal), uses: await this.seals.uses(id) };
  }

  @Post('internal/v1/seals/:id/grants')
  @UseGuards(InternalApiGuard)
  @HttpCode(204)
  @ApiOperation({ summary: '授权使用 (let an app use the seal)' })
  async grant(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: GrantSealBody,
    @Headers('x-caller') caller?: string,
  ): Promise<void> {
    await this.seals.grant(id, body.grantee, caller ?? 'internal');
  }

  @Post('internal/v1/seals/:id/revoke')
  @UseGuards(InternalApiGuard)
  @HttpCode(204)
  @ApiOperation({ summary: '注销印章 (revoke a seal, optionally from an earlier time)' })
  async revoke(@Param('id', new ParseUUIDPipe()) id: string, @Body() input: RevokeSealBody): Promise<void> {
    await this.seals.revoke(id, input.reason, input.effectiveFrom ? new Date(input.effectiveFrom) : undefined);
  }
}

function publicSeal(s: {
  id: string;
  esId: string;
  organisationCode: string;
  organisationName: string;
  name: string;
  type: string;
  validFrom: Date;
  validTo: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
  padesFingerprint: string;
  padesIssuer: string | null;
  sm2PublicKey: string;
}) {
  return {
    id: s.id,
    esID: s.esId,
    organisationCode: s.organisationCode,
    organisationName: s.organisationName,
    name: s.name,
    type: s.type,
    validFrom: s.validFrom,
    validTo: s.validTo,
    revokedAt: s.revokedAt,
    revokedReason: s.revokedReason,
    pdfCertificateSha256: s.padesFingerprint,
    // Which CA issued the PDF certificate: null for a self-signed one from before the platform seal CA.
    pdfCertificateIssuer: s.padesIssuer,
    sm2PublicKey: s.sm2PublicKey,
  };
}

async function sendCertificate(reply: FastifyReply, der: Buffer, form: 'pem' | 'der', name: string): Promise<void> {
  await reply
    .header('content-type', form === 'pem' ? 'application/x-pem-file' : 'application/pkix-cert')
    .header('content-disposition', `attachment; filename="${name}.${form === 'pem' ? 'pem' : 'cer'}"`)
    .header('cache-control', 'public, max-age=3600')
    .header('x-content-type-options', 'nosniff')
    .send(form === 'pem' ? certificatesPem([der]) : der);
}
