import { Body, Controller, HttpCode, Inject, Param, Post, Put, UseGuards } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomBytes, randomUUID } from 'node:crypto';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { CALLBACK_LABEL } from '../async/async-calls.service.js';
import type { Repository } from 'typeorm';
import type { CryptoProvider } from '@gmp/gm-crypto';
import { CRYPTO_PROVIDER, InternalApiGuard, ProblemException, validBody } from '@gmp/service-kit';
import { LimitsBody } from '../quota/limits.dto.js';
import { AppCredentialsService, HMAC_LABEL } from './app-credentials.service.js';
import { SIGNATURE_SCHEMES_NAMES, type SignatureSchemeName } from '@gmp/dispatch-client';
import { BusinessApp } from './business-app.entity.js';
import { hashSecret } from './secret-hash.util.js';

class CallbackBody {
  /** http(s) URL without credentials; results of the app's asynchronous calls are POSTed there. */
  @Matches(/^https?:\/\/[^\s/@]+(\/[^\s]*)?$/, { message: 'url 须为不含用户名密码的 http(s) 地址 (an http(s) URL without credentials)' }) @Length(10, 512) url!: string;
}

class RegisterAppBody {
  /** Letters, digits, `.`, `_`, `-`; `oauth:` is reserved for OAuth clients. */
  @Matches(/^(?!oauth:)[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/, { message: 'appKey 须为 3–64 位字母、数字、. _ - (3–64 letters, digits, . _ -; not oauth:…)' }) appKey!: string;
  @IsString() @Length(1, 128) name!: string;
  @IsString() @Length(1, 128) ownerDepartment!: string;
  /** Signed requests in this scheme (an HMAC secret is issued); absent: AppKey + AppSecret only. */
  @IsOptional() @IsIn(SIGNATURE_SCHEMES_NAMES) signatureScheme?: SignatureSchemeName;
}

/** Registers business-line apps (internal network, X-Internal-Token). The secret is shown once. */
@ApiTags('apps 应用 (operators)')
@Controller('internal/v1/apps')
@UseGuards(InternalApiGuard)
@ApiHeader({ name: 'X-Internal-Token', required: true })
export class AppsAdminController {
  constructor(
    @InjectRepository(BusinessApp) private readonly apps: Repository<BusinessApp>,
    @Inject(CRYPTO_PROVIDER) private readonly crypto: CryptoProvider,
    private readonly credentials: AppCredentialsService,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: '登记业务应用 (register a business-line app; the AppSecret is returned once)' })
  @ApiBody({ schema: { type: 'object', example: { appKey: 'js-market-supervision', name: '市场监管业务系统', ownerDepartment: '江苏省市场监督管理局' } } })
  async register(@Body() body: unknown) {
    const b = validBody(RegisterAppBody, body);
    const secret = randomBytes(24).toString('base64url');
    const hmacSecret = b.signatureScheme ? randomBytes(32).toString('base64url') : null;
    try {
      await this.apps.insert({
        id: randomUUID(), appKey: b.appKey, name: b.name, ownerDepartment: b.ownerDepartment, secretHash: await hashSecret(secret), status: 'active',
        signatureScheme: b.signatureScheme ?? null, hmacSecretEnc: hmacSecret ? this.crypto.encrypt(HMAC_LABEL, hmacSecret, b.appKey) : null,
      });
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new ProblemException(409, 'APP_EXISTS', '应用已登记 (an app with this appKey exists)', b.appKey);
      throw err;
    }
    // The HMAC key is the secret's UTF-8 bytes, as most gateways' clients use it.
    return { appKey: b.appKey, appSecret: secret, name: b.name, ownerDepartment: b.ownerDepartment, ...(hmacSecret ? { signatureScheme: b.signatureScheme, hmacSecret } : {}) };
  }

  @Put(':appKey/limits')
  @ApiOperation({ summary: '设置应用的限流与日配额 (the app’s rate limit and daily quota; null = the platform default)' })
  @ApiBody({ schema: { type: 'object', example: { ratePerSecond: 200, quotaPerDay: 1000000 } } })
  async limits(@Param('appKey') appKey: string, @Body() body: unknown) {
    const b = validBody(LimitsBody, body);
    const res = await this.apps.update({ appKey }, { ratePerSecond: b.ratePerSecond, quotaPerDay: b.quotaPerDay });
    if (!res.affected) throw new ProblemException(404, 'APP_NOT_FOUND', '应用不存在 (no such app)', appKey);
    this.credentials.forget(appKey);
    return { appKey, ratePerSecond: b.ratePerSecond, quotaPerDay: b.quotaPerDay };
  }

  @Put(':appKey/callback')
  @ApiOperation({ summary: '登记回调地址 (the app’s callback URL for asynchronous results; a new signing secret is returned once)' })
  @ApiBody({ schema: { type: 'object', example: { url: 'https://gov-app.example.gov.cn/dispatch/callback' } } })
  async callback(@Param('appKey') appKey: string, @Body() body: unknown) {
    const b = validBody(CallbackBody, body);
    const callbackSecret = randomBytes(32).toString('base64url');
    const res = await this.apps.update({ appKey }, { callbackUrl: b.url, callbackSecretEnc: this.crypto.encrypt(CALLBACK_LABEL, callbackSecret, appKey) });
    if (!res.affected) throw new ProblemException(404, 'APP_NOT_FOUND', '应用不存在 (no such app)', appKey);
    return { appKey, callbackUrl: b.url, callbackSecret };
  }
}
