import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ServiceConfig } from '@gmp/service-kit';
import type { PolicyBody } from './policies.dto.js';
import { PolicyProblem } from './policies.problems.js';
import { seedInBackground } from '../demo/seed-in-background.js';
import { PublishPolicy } from './usecases/publish-policy/publish-policy.usecase.js';

/**
 * SEED_DEMO: 育儿补贴, offered to every 新生儿家庭 (the data platform's demo tag `newborn-family`),
 * applied for with 新生儿出生; and 新生儿健康礼包, apply-free — the platform opens its case itself.
 */
export const DEMO_POLICIES: readonly (PolicyBody & { code: string })[] = [
  {
    code: 'JS-ZC-YEBT',
    name: '育儿补贴 (childcare subsidy)',
    benefit: '三周岁以下婴幼儿每孩每年 3600 元 (CNY 3,600 a year per child under three)',
    eligibility: '一年内出生证明上登记的父母 (parents named on a birth certificate of the last year)',
    tagCode: 'newborn-family',
    bundleCode: 'JS-YJS-XSECS',
  },
  {
    code: 'JS-ZC-JKLB',
    name: '新生儿健康礼包 (newborn health kit)',
    benefit: '新生儿健康礼包一份，由卫生健康部门发放 (a newborn health kit, handed out by the health commission)',
    eligibility: '一年内出生证明上登记的父母 (parents named on a birth certificate of the last year)',
    tagCode: 'newborn-family',
    bundleCode: 'JS-YJS-JKLB',
    applyFree: true,
  },
];

/**
 * Publishes the demo policies (a second start changes nothing). Their bundle is published in the
 * background once the data platform's catalogue answers: until it is, publication is retried.
 */
@Injectable()
export class DemoPoliciesSeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('DemoPolicies');
  private stop: () => void = () => undefined;

  constructor(
    private readonly config: ServiceConfig,
    private readonly publish: PublishPolicy,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.SEED_DEMO) return;
    this.stop = seedInBackground(
      this.log,
      '演示政策',
      async () => {
        for (const { code, ...body } of DEMO_POLICIES) await this.publish.execute(code, body, 'demo-seed');
      },
      (err) => PolicyProblem.BUNDLE_NOT_FOUND.is(err),
    );
  }

  onApplicationShutdown(): void {
    this.stop();
  }
}
