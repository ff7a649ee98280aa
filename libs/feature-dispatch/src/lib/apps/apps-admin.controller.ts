import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, UseGuards } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomBytes, randomUUID } from 'node:crypto';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsIn, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { CALLBACK_LABEL } from '../async/async-calls.service.js';
import type { Repository } from 'typeorm';
import type { CryptoProvider } from '@gmp/gm-crypto';
import { IsOptionalOrNull, PLATFORM_SERVICES } from '@gmp/contracts';
import { CommonProblem, CRYPTO_PROVIDER, InternalApiGuard } from '@gmp/service-kit';
import { LimitsBody } from '../quota/limits.dto.js';
import { AppCredentialsService, HMAC_LABEL } from './app-credentials.service.js';
import { AppsProblem } from './apps.problems.js';
import { SIGNATURE_SCHEMES_NAMES, type SignatureSchemeName } from '@gmp/dispatch-client';
import { type AppContact, BusinessApp } from './business-app.entity.js';
import { parseAllowed } from './ip-allow-list.util.js';
import { hashSecret } from './secret-hash.util.js';

class CallbackBody {
  /** http(s) URL without credentials; results of the app's asynchronous calls are POSTed there. */
  @Matches(/^https?:\/\/[^\s/@]+(\/[^\s]*)?$/, { message: 'url 须为不含用户名密码的 http(s) 地址 (an http(s) URL without credentials)' })
  @Length(10, 512)
  url!: string;
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
  @Matches(/^(?!oauth:)[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/, {
    message: 'appKey 须为 3–64 位字母、数字、. _ - (3–64 letters, digits, . _ -; not oauth:…)',
  })
  appKey!: string;
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
  if (bad.length)
    throw CommonProblem.INVALID_INPUT(
      undefined,
      bad.map((e) => ({ field: 'allowedIps', message: `不是 IP 地址或 CIDR 网段 (not an address or CIDR range): ${e.slice(0, 64)}` })),
    );
  return entries.map((e) => e.trim());
}

/** What operators see of an app: never its secrets. */
const view = (a: BusinessApp) => ({
  appKey: a.appKey,
  name: a.name,
  ownerDepartment: a.ownerDepartment,
  status: a.status,
  signatureScheme: a.signatureScheme,
  contacts: a.contacts ?? [],
  allowedIps: a.allowedIps,
  ratePerSecond: a.ratePerSecond,
  quotaPerDay: a.quotaPerDay,
  callbackUrl: a.callbackUrl,
  createdAt: a.createdAt.toISOString(),
});

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
  @ApiBody({
    type: RegisterAppBody,
    examples: {
      示例: {
        value: {
          appKey: 'js-market-supervision',
          name: '市场监管业务系统',
          ownerDepartment: '江苏省市场监督管理局',
          contacts: [{ name: '王工', role: '技术负责人', phone: '025-83000000' }],
          allowedIps: ['10.32.0.0/16'],
        },
      },
    },
  })
  async register(@Body() body: RegisterAppBody) {
    // A platform service's name as an app would let the app's calls pass for the service's own (its grants, its seals).
    if (PLATFORM_SERVICES.includes(body.appKey.toLowerCase())) throw AppsProblem.APP_KEY_RESERVED(body.appKey);
    const allowedIps = allowList(body.allowedIps);
    const contacts: AppContact[] | null = body.contacts?.length ? body.contacts.map((c) => ({ ...c })) : null;
    const secret = randomBytes(24).toString('base64url');
    const hmacSecret = body.signatureScheme ? randomBytes(32).toString('base64url') : null;
    try {
      await this.apps.insert({
        id: randomUUID(),
        appKey: body.appKey,
        name: body.name,
        ownerDepartment: body.ownerDepartment,
        secretHash: await hashSecret(secret),
        status: 'active',
        signatureScheme: body.signatureScheme ?? null,
        hmacSecretEnc: hmacSecret ? this.crypto.encrypt(HMAC_LABEL, hmacSecret, body.appKey) : null,
        contacts: contacts as never,
        allowedIps: allowedIps as never,
      });
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw AppsProblem.APP_EXISTS(body.appKey);
      throw err;
    }
    // The HMAC key is the secret's UTF-8 bytes, as most gateways' clients use it.
    return {
      appKey: body.appKey,
      appSecret: secret,
      name: body.name,
      ownerDepartment: body.ownerDepartment,
      contacts: contacts ?? [],
      allowedIps,
      ...(hmacSecret ? { signatureScheme: body.signatureScheme, hmacSecret } : {}),
    };
  }

  @Get(':appKey')
  @ApiOperation({ summary: '应用详情 (an app: owner, contacts, allow-list, limits, callback — no secrets)' })
  async one(@Param('appKey') appKey: string) {
    const app = await this.apps.findOne({ where: { appKey } });
    if (!app) throw AppsProblem.APP_NOT_FOUND(appKey);
    return view(app);
  }

  @Put(':appKey/contacts')
  @ApiOperation({ summary: '设置应用联系人 (the app’s contacts, at most 5)' })
  @ApiBody({
    type: ContactsBody,
    examples: {
      示例: { value: { contacts: [{ name: '王工', role: '技术负责人', phone: '025-83000000', email: 'wang@example.gov.cn' }] } },
    },
  })
  async contacts(@Param('appKey') appKey: string, @Body() body: ContactsBody) {
    const contacts = body.contacts.map((c) => ({ ...c }));
    const res = await this.apps.update({ appKey }, { contacts: (contacts.length ? contacts : null) as never });
    if (!res.affected) throw AppsProblem.APP_NOT_FOUND(appKey);
    return { appKey, contacts };
  }

  @Put(':appKey/allowed-ips')
  @ApiOperation({ summary: '设置应用的来源 IP 允许列表 (addresses / CIDR ranges the app may call from; null or [] = anywhere)' })
  @ApiBody({ type: AllowedIpsBody, examples: { 示例: { value: { allowedIps: ['10.32.0.0/16', '2001:db8::/32'] } } } })
  async allowedIps(@Param('appKey') appKey: string, @Body() body: AllowedIpsBody) {
    const allowedIps = allowList(body.allowedIps);
    const res = await this.apps.update({ appKey }, { allowedIps: allowedIps as never });
    if (!res.affected) throw AppsProblem.APP_NOT_FOUND(appKey);
    // This instance at once; others within the 60 s their credential checks are remembered.
    this.credentials.forget(appKey);
    return { appKey, allowedIps };
  }

  @Put(':appKey/limits')
  @ApiOperation({ summary: '设置应用的限流与日配额 (the app’s rate limit and daily quota; null = the platform default)' })
  @ApiBody({ type: LimitsBody, examples: { 示例: { value: { ratePerSecond: 200, quotaPerDay: 1000000 } } } })
  async limits(@Param('appKey') appKey: string, @Body() body: LimitsBody) {
    const res = await this.apps.update({ appKey }, { ratePerSecond: body.ratePerSecond, quotaPerDay: body.quotaPerDay });
    if (!res.affected) throw AppsProblem.APP_NOT_FOUND(appKey);
    this.credentials.forget(appKey);
    return { appKey, ratePerSecond: body.ratePerSecond, quotaPerDay: body.quotaPerDay };
  }

  @Put(':appKey/callback')
  @ApiOperation({ summary: '登记回调地址 (the app’s callback URL for asynchronous results; a new signing secret is returned once)' })
  @ApiBody({ type: CallbackBody, examples: { 示例: { value: { url: 'https://gov-app.example.gov.cn/dispatch/callback' } } } })
  async callback(@Param('appKey') appKey: string, @Body() body: CallbackBody) {
    const callbackSecret = randomBytes(32).toString('base64url');
    const res = await this.apps.update(
      { appKey },
      { callbackUrl: body.url, callbackSecretEnc: this.crypto.encrypt(CALLBACK_LABEL, callbackSecret, appKey) },
    );
    if (!res.affected) throw AppsProblem.APP_NOT_FOUND(appKey);
    return { appKey, callbackUrl: body.url, callbackSecret };
  }
}
