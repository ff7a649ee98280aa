import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomBytes, randomUUID } from 'node:crypto';
import { IsString, Length, Matches } from 'class-validator';
import type { Repository } from 'typeorm';
import { InternalApiGuard, ProblemException, validBody } from '@gmp/service-kit';
import { BusinessApp } from './business-app.entity.js';
import { hashSecret } from './secret-hash.util.js';

class RegisterAppBody {
  /** Letters, digits, `.`, `_`, `-`; `oauth:` is reserved for OAuth clients. */
  @Matches(/^(?!oauth:)[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/, { message: 'appKey 须为 3–64 位字母、数字、. _ - (3–64 letters, digits, . _ -; not oauth:…)' }) appKey!: string;
  @IsString() @Length(1, 128) name!: string;
  @IsString() @Length(1, 128) ownerDepartment!: string;
}

/** Registers business-line apps (internal network, X-Internal-Token). The secret is shown once. */
@ApiTags('apps 应用 (operators)')
@Controller('internal/v1/apps')
@UseGuards(InternalApiGuard)
@ApiHeader({ name: 'X-Internal-Token', required: true })
export class AppsAdminController {
  constructor(@InjectRepository(BusinessApp) private readonly apps: Repository<BusinessApp>) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: '登记业务应用 (register a business-line app; the AppSecret is returned once)' })
  @ApiBody({ schema: { type: 'object', example: { appKey: 'js-market-supervision', name: '市场监管业务系统', ownerDepartment: '江苏省市场监督管理局' } } })
  async register(@Body() body: unknown) {
    const b = validBody(RegisterAppBody, body);
    const secret = randomBytes(24).toString('base64url');
    try {
      await this.apps.insert({ id: randomUUID(), appKey: b.appKey, name: b.name, ownerDepartment: b.ownerDepartment, secretHash: await hashSecret(secret), status: 'active' });
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new ProblemException(409, 'APP_EXISTS', '应用已登记 (an app with this appKey exists)', b.appKey);
      throw err;
    }
    return { appKey: b.appKey, appSecret: secret, name: b.name, ownerDepartment: b.ownerDepartment };
  }
}
