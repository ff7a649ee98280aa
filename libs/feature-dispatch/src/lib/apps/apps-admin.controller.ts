import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, UseGuards } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomBytes, randomUUID } from 'node:crypto';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsIn, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { CALLBACK_LABEL } from '../async/async-calls.service.js';
import type { Repository } from 'typeorm';
import type { CryptoProvider } from '@gmp/gm-crypto';
import { IsOptionalOrNull } from '@gmp/contracts';
import { CRYPTO_PROVIDER, InternalApiGuard, ProblemException, validBody } from '@gmp/service-kit';
import { LimitsBody } from '../quota/limits.dto.js';
import { AppCredentialsService, HMAC_LABEL } from './app-credentials.service.js';
import { SIGNATURE_SCHEMES_NAMES, type SignatureSchemeName } from '@gmp/dispatch-client';
import { type AppContact, BusinessApp } from './business-app.entity.js';
import { parseAllowed } from './ip-allow-list.util.js';
import { hashSecret } from './secret-hash.util.js';

class CallbackBody {
  /** http(s) URL without credentials; results of the app's asynchronous calls are POSTed there. */
  @Matches(/^https?:\/\/[^\s/@]+(\/[^\s]*)?$/, { message: 'url 须为不含用户名密码的 http(s) 地址 (an http(s) URL without credentials)' }) @Length(10, 512) url!: string;
}

class ContactBody {
  @IsString() @Length(1, 32) name!: string;
  @IsOptional() @Matches(/^\+?[0-9][0-9 ()-]{4,19}$/, { message: 'phone 须为电话号码 (a phone number)' }) phone?: string;
  @IsOptional() @IsEmail({}, { message: 'email 须为电子邮件地址 (an e-mail address)' }) @Length(3, 128) email?: string;
  /** e.g. 技术负责人 (technical lead), 业务负责人 (business owner). */
  @IsOptional() @IsString() @Length(1, 32) role?: string;
}

class ContactsBody {
  @IsArray() @ArrayMaxSize(5) @ValidateNested({ each: true }) @Type(() => ContactBody) contacts!: ContactBody[];
}

class AllowedIpsBody {
  /** Addresses or CIDR ranges (IPv4/IPv6); null or [] = from anywhere. */
  @IsOptionalOrNull() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Length(2, 43, { each: true }) allowedIps?: string[] | null;
}

class RegisterAppBody {
  /** Letters, digits, `.`, `_`, `-`; `oauth:` is reserved for OAuth clients. */
  @Matches(/^(?!oauth:)[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/, { message: 'appKey 须为 3–64 位字母、数字、. _ - (3–64 letters, digits, . _ -; not oauth:…)' }) appKey!: string;
  @IsString() @Length(1, 128) name!: string;
  @IsString() @Length(1, 128) ownerDepartment!: string;
  /** Signed requests in this scheme (an HMAC secret is issued); absent: AppKey + AppSecret only. */
  @IsOptional() @IsIn(SIGNATURE_SCHEMES_NAMES) signatureScheme?: SignatureSchemeName;
  @IsOptional() @IsArray() @ArrayMaxSize(5) @ValidateNested({ each: true }) @Type(() => ContactBody) contacts?: ContactBody[];
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Length(2, 43, { each: true }) allowedIps?: string[];
}

/** Each entry an address or CIDR range, or 400 naming the bad ones; [] and null mean "from anywhere". */
function allowList(entries: string[] | null | undefined): string[] | null {
  if (!entries || entries.length === 0) return null;
  const bad = entries.filter((e) => !parseAllowed(e));
  if (bad.length) throw new ProblemException(400, 'INVALID_INPUT', '输入无效 (invalid input)', undefined, bad.map((e) => ({ field: 'allowedIps', message: `不是 IP 地址或 CIDR 网段 (not an address or CIDR range): ${e.slice(0, 64)}` })));
  return entries.map((e) => e.trim());
}

/** What operators see of an app: never its secrets. */
const view = (a: BusinessApp) => ({ appKey: a.appKey, name: a.name, ownerDepartment: a.ownerDepartment, status: a.status, signatureScheme: a.signatureScheme, contacts: a.contacts ?? [], allowedIps: a.allowedIps, ratePerSecond: a.ratePerSecond, quotaPerDay: a.quotaPerDay, callbackUrl: a.callbackUrl, createdAt: a.createdAt.toISOString() });

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
  @ApiBody({ schema: { type: 'object', example: { appKey: 'js-market-supervision', name: '市场监管业务系统', ownerDepartment: '江苏省市场监督管理局', contacts: [{ name: '王工', role: '技术负责人', phone: '025-83000000' }], allowedIps: ['10.32.0.0/16'] } } })
  async register(@Body() body: unknown) {
    const b = validBody(RegisterAppBody, body);
    const allowedIps = allowList(b.allowedIps);
    const contacts: AppContact[] | null = b.contacts?.length ? b.contacts.map((c) => ({ ...c })) : null;
    const secret = randomBytes(24).toString('base64url');
    const hmacSecret = b.signatureScheme ? randomBytes(32).toString('base64url') : null;
    try {
      await this.apps.insert({
        id: randomUUID(), appKey: b.appKey, name: b.name, ownerDepartment: b.ownerDepartment, secretHash: await hashSecret(secret), status: 'active',
        signatureScheme: b.signatureScheme ?? null, hmacSecretEnc: hmacSecret ? this.crypto.encrypt(HMAC_LABEL, hmacSecret, b.appKey) : null,
        contacts: contacts as never, allowedIps: allowedIps as never,
      });
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new ProblemException(409, 'APP_EXISTS', '应用已登记 (an app with this appKey exists)', b.appKey);
      throw err;
    }
    // The HMAC key is the secret's UTF-8 bytes, as most gateways' clients use it.
    return { appKey: b.appKey, appSecret: secret, name: b.name, ownerDepartment: b.ownerDepartment, contacts: contacts ?? [], allowedIps, ...(hmacSecret ? { signatureScheme: b.signatureScheme, hmacSecret } : {}) };
  }

  @Get(':appKey')
  @ApiOperation({ summary: '应用详情 (an app: owner, contacts, allow-list, limits, callback — no secrets)' })
  async one(@Param('appKey') appKey: string) {
    const app = await this.apps.findOne({ where: { appKey } });
    if (!app) throw new ProblemException(404, 'APP_NOT_FOUND', '应用不存在 (no such app)', appKey);
    return view(app);
  }

  @Put(':appKey/contacts')
  @ApiOperation({ summary: '设置应用联系人 (the app’s contacts, at most 5)' })
  @ApiBody({ schema: { type: 'object', example: { contacts: [{ name: '王工', role: '技术负责人', phone: '025-83000000', email: 'wang@example.gov.cn' }] } } })
  async contacts(@Param('appKey') appKey: string, @Body() body: unknown) {
    const b = validBody(ContactsBody, body);
    const contacts = b.contacts.map((c) => ({ ...c }));
    const res = await this.apps.update({ appKey }, { contacts: (contacts.length ? contacts : null) as never });
    if (!res.affected) throw new ProblemException(404, 'APP_NOT_FOUND', '应用不存在 (no such app)', appKey);
    return { appKey, contacts };
  }

  @Put(':appKey/allowed-ips')
  @ApiOperation({ summary: '设置应用的来源 IP 允许列表 (addresses / CIDR ranges the app may call from; null or [] = anywhere)' })
  @ApiBody({ schema: { type: 'object', example: { allowedIps: ['10.32.0.0/16', '2001:db8::/32'] } } })
  async allowedIps(@Param('appKey') appKey: string, @Body() body: unknown) {
    const b = validBody(AllowedIpsBody, body);
    const allowedIps = allowList(b.allowedIps);
    const res = await this.apps.update({ appKey }, { allowedIps: allowedIps as never });
    if (!res.affected) throw new ProblemException(404, 'APP_NOT_FOUND', '应用不存在 (no such app)', appKey);
    // This instance at once; others within the 60 s their credential checks are remembered.
    this.credentials.forget(appKey);
    return { appKey, allowedIps };
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
