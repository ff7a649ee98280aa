import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { Repository } from 'typeorm';
import { ServiceConfig } from '@gmp/service-kit';
import { BusinessApp } from './business-app.entity.js';
import { hashSecret } from './secret-hash.util.js';
import { DispatchConfig } from '../dispatch.config.js';

export const DEMO_APP_KEY = 'demo-portal';

/** With SEED_DEMO on, registers the demo business-line app (secret from DEMO_APP_SECRET). */
@Injectable()
export class DemoAppSeed implements OnApplicationBootstrap {
  private readonly log = new Logger('DemoAppSeed');

  constructor(
    @InjectRepository(BusinessApp) private readonly apps: Repository<BusinessApp>,
    private readonly config: ServiceConfig,
    private readonly dispatchConfig: DispatchConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.SEED_DEMO) return;
    if (await this.apps.exists({ where: { appKey: DEMO_APP_KEY } })) return;
    const secret = this.dispatchConfig.DEMO_APP_SECRET;
    await this.apps.insert({
      id: randomUUID(),
      appKey: DEMO_APP_KEY,
      name: '演示门户 (demo portal)',
      ownerDepartment: '省政务服务管理办公室',
      secretHash: await hashSecret(secret),
      status: 'active',
    });
    this.log.log(`演示应用已登记 (demo app registered): ${DEMO_APP_KEY}`);
  }
}
