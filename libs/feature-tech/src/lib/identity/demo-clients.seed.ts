import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { PlatformScope } from '@gmp/identity';
import { SERVICE_CONFIG, type ServiceConfig } from '@gmp/service-kit';
import { OidcPayload } from './oidc-payload.entity.js';

export const DEMO_BUSINESS_CLIENT = { id: 'demo-business-app', secret: 'demo-business-app-secret' };

/** With SEED_DEMO on, registers a demo business-line OAuth client (client credentials). */
@Injectable()
export class DemoClientsSeed implements OnApplicationBootstrap {
  private readonly log = new Logger('DemoClientsSeed');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.SEED_DEMO) return;
    const repo = this.dataSource.getRepository(OidcPayload);
    if (await repo.existsBy({ model: 'Client', id: DEMO_BUSINESS_CLIENT.id })) return;
    await repo.insert({
      model: 'Client',
      id: DEMO_BUSINESS_CLIENT.id,
      payload: {
        client_id: DEMO_BUSINESS_CLIENT.id,
        client_secret: DEMO_BUSINESS_CLIENT.secret,
        client_name: '演示业务系统 (demo business-line system)',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: `${PlatformScope.InvokeCapabilities} ${PlatformScope.ReadLicences}`,
      } as never,
      grantId: null,
      userCode: null,
      uid: null,
      expiresAt: null,
      consumedAt: null,
    });
    this.log.log(`演示 OAuth 客户端已登记 (demo OAuth client registered): ${DEMO_BUSINESS_CLIENT.id}`);
  }
}
