import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DEMO_COMPANIES } from '@gmp/gov-standards';
import { SERVICE_CONFIG, type ServiceConfig } from '@gmp/service-kit';
import { Seal } from './seal.entities.js';
import { SealService } from './seal.service.js';

/** The demo company's official seal (SEED_DEMO), usable by the demo apps. */
export const DEMO_SEAL = { id: '5e41c0de-7b2a-4c1e-9f3a-2d6b8e0c4a11', organisation: DEMO_COMPANIES[0], name: `${DEMO_COMPANIES[0].name} 公章`, grantees: ['demo-portal', 'oauth:demo-business-app'] };

@Injectable()
export class DemoSealSeed implements OnApplicationBootstrap {
  private readonly log = new Logger('DemoSealSeed');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly seals: SealService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.SEED_DEMO || (await this.dataSource.getRepository(Seal).existsBy({ id: DEMO_SEAL.id }))) return;
    await this.seals.register({ id: DEMO_SEAL.id, organisationCode: DEMO_SEAL.organisation.id, organisationName: DEMO_SEAL.organisation.name, name: DEMO_SEAL.name, type: 'official', validYears: 5, grantees: DEMO_SEAL.grantees, by: 'demo-seed' });
    this.log.log(`演示印章已登记 (demo seal registered): ${DEMO_SEAL.name} ${DEMO_SEAL.id}`);
  }
}
