import { Controller, Get, HttpCode, Logger, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InternalApiGuard } from '@gmp/service-kit';
import { SigningKeysService } from './signing-keys.service.js';

/**
 * Rotation of the OpenID provider's signing keys by the platform operator (X-Internal-Token):
 * a new key signs once the tech-capabilities instances have restarted (a rolling restart), the
 * retired one stays in the JWKS for a day so tokens it signed verify until they expire.
 */
@ApiTags('identity 统一身份认证 (internal)')
@Controller('internal/v1/identity/signing-keys')
@UseGuards(InternalApiGuard)
export class SigningKeysController {
  private readonly log = new Logger('SigningKeys');

  constructor(private readonly keys: SigningKeysService) {}

  @Get()
  @ApiOperation({ summary: '签名密钥 (the signing keys published in the JWKS: the active one first, key ids only)' })
  async list() {
    return { keys: (await this.keys.keys()).map((k) => ({ kid: k['kid'], alg: k['alg'] })) };
  }

  @Post('rotate')
  @HttpCode(200)
  @ApiOperation({
    summary:
      '轮换签名密钥 (rotate: a new key becomes active; the old stays published for a day). 重启 tech-capabilities 实例后生效 (takes effect as the instances restart)',
  })
  async rotate() {
    const kid = await this.keys.rotate();
    this.log.warn(
      `签名密钥已轮换 (signing key rotated): new active key ${kid}; restart the tech-capabilities instances (rolling) to sign with it`,
    );
    return { activeKid: kid, takesEffect: '重启 tech-capabilities 实例后 (once the tech-capabilities instances have restarted)' };
  }
}
