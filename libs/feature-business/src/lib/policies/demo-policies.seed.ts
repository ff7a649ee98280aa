import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ServiceConfig } from '@gmp/service-kit';
import { BizPolicy } from './policies.entities.js';
import { OfferPolicies } from './usecases/offer-policies/offer-policies.usecase.js';

/** SEED_DEMO: 育儿补贴, offered to every 新生儿家庭 (the data platform's demo tag `newborn-family`), applied for with 新生儿出生. */
export const DEMO_POLICIES: readonly BizPolicy[] = [
  {
    code: 'JS-ZC-YEBT',
    name: '育儿补贴 (childcare subsidy)',
    benefit: '三周岁以下婴幼儿每孩每年 3600 元 (CNY 3,600 a year per child under three)',
    tagCode: 'newborn-family',
    bundleCode: 'JS-YJS-XSECS',
    status: 'active',
  },
];

@Injectable()
export class DemoPoliciesSeed implements OnApplicationBootstrap {
  constructor(
    private readonly config: ServiceConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly offers: OfferPolicies,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.SEED_DEMO) return;
    await this.dataSource.getRepository(BizPolicy).upsert([...DEMO_POLICIES], ['code']);
    // Subjects who gained the tag before the policy existed are offered it too.
    for (const policy of DEMO_POLICIES) await this.offers.offerToMembers(policy);
  }
}
