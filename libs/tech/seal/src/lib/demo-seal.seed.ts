import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DEMO_COMPANIES, generateCreditCode } from '@gmp/gov-standards';
import { ServiceConfig } from '@gmp/service-kit';
import { Seal } from './seal.entities.js';
import { SealService } from './seal.service.js';

/** The demo company's official seal (SEED_DEMO), usable by the demo apps: for the company's own documents (contracts and the like). */
export const DEMO_SEAL = {
  id: '5e41c0de-7b2a-4c1e-9f3a-2d6b8e0c4a11',
  organisation: DEMO_COMPANIES[0],
  name: `${DEMO_COMPANIES[0].name} 公章`,
  type: 'official',
  grantees: ['demo-portal', 'oauth:demo-business-app'],
} as const;

/** The app name the demo seeds act as when they use a seal (the seal's use log shows it). */
export const DEMO_SEED_APP = 'demo-seed';

/**
 * The issuing authority of the demo companies' licences (营业执照, 食品经营许可证): the market
 * regulator's licence seal (SEED_DEMO). Licences are sealed by their issuer, never by the holder.
 */
export const DEMO_ISSUER_SEAL = {
  id: '7c2d9a4e-3b1f-4e8a-9d6c-1a5b8e2f4c30',
  organisation: {
    name: '江苏省市场监督管理局',
    id: generateCreditCode({ authority: '1', kind: '1', regionCode: '320000', organisationBody: '01400123' }),
  },
  name: '江苏省市场监督管理局 证照专用章',
  type: 'approval',
  grantees: ['demo-portal', DEMO_SEED_APP],
} as const;

/**
 * Nanjing departments' licence seals (SEED_DEMO), granted to the business platform, which issues
 * and seals the outputs of the demo bundles with them when a case is done (一窗出件). The demo
 * matter catalogue (libs/feature-business, matters.yaml) names these ids on its outputs.
 */
export const DEMO_DEPARTMENT_SEALS = [
  {
    id: '3f6b2c1a-8d4e-4b7f-a2c9-5e1d7f3b9a01',
    organisation: {
      name: '南京市卫生健康委员会',
      id: generateCreditCode({ authority: '1', kind: '1', regionCode: '320100', organisationBody: '01400201' }),
    },
    name: '南京市卫生健康委员会 出生医学证明专用章',
    type: 'approval',
    grantees: ['business-platform'],
  },
  {
    id: '3f6b2c1a-8d4e-4b7f-a2c9-5e1d7f3b9a02',
    organisation: {
      name: '南京市市场监督管理局',
      id: generateCreditCode({ authority: '1', kind: '1', regionCode: '320100', organisationBody: '01400202' }),
    },
    name: '南京市市场监督管理局 证照专用章',
    type: 'approval',
    grantees: ['business-platform'],
  },
] as const;

/** Registers the demo seals when SEED_DEMO is on; the licence seed waits for them (`ready()`). */
@Injectable()
export class DemoSealSeed implements OnApplicationBootstrap {
  private readonly log = new Logger('DemoSealSeed');
  private seeding: Promise<void> | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ServiceConfig,
    private readonly seals: SealService,
  ) {}

  onApplicationBootstrap(): Promise<void> {
    return this.ready();
  }

  /** The demo seals are registered (once per process; each only if it is not there yet). */
  ready(): Promise<void> {
    this.seeding ??= this.seed();
    return this.seeding;
  }

  private async seed(): Promise<void> {
    if (!this.config.SEED_DEMO) return;
    for (const s of [DEMO_SEAL, DEMO_ISSUER_SEAL, ...DEMO_DEPARTMENT_SEALS]) {
      if (await this.dataSource.getRepository(Seal).existsBy({ id: s.id })) continue;
      await this.seals.register({
        id: s.id,
        organisationCode: s.organisation.id,
        organisationName: s.organisation.name,
        name: s.name,
        type: s.type,
        validYears: 5,
        grantees: [...s.grantees],
        by: 'demo-seed',
      });
      this.log.log(`演示印章已登记 (demo seal registered): ${s.name} ${s.id}`);
    }
  }
}
