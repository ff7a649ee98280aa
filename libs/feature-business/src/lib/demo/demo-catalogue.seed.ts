import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ServiceConfig } from '@gmp/service-kit';
import { CatalogueProblem } from '../business.problems.js';
import { PublishBundle } from '../bundles/usecases/publish-bundle/publish-bundle.usecase.js';
import { DefineMatter } from '../matters/usecases/define-matter/define-matter.usecase.js';
import { loadDemoCatalogue } from './demo-catalogue.js';
import { seedInBackground } from './seed-in-background.js';

/**
 * On SEED_DEMO: the demo matters (at start) and the three demo bundles (新生儿出生, 企业开办,
 * 开办餐饮店). Bundles compile against the data platform's catalogue, which may start after
 * this service: they are published in the background, retried until it answers.
 */
@Injectable()
export class DemoBusinessCatalogueSeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('DemoBusinessCatalogue');
  private stop: () => void = () => undefined;

  constructor(
    private readonly config: ServiceConfig,
    private readonly defineMatter: DefineMatter,
    private readonly publish: PublishBundle,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.SEED_DEMO) return;
    const { matters, bundles } = loadDemoCatalogue();
    let changed = 0;
    for (const definition of matters) if ((await this.defineMatter.execute({ definition, by: 'demo-seed' })).changed) changed++;
    if (changed > 0) this.log.log(`演示事项已发布 (demo matters defined): ${changed}`);
    this.stop = seedInBackground(
      this.log,
      '演示一件事',
      async () => {
        for (const definition of bundles) await this.publish.execute({ definition, source: null, by: 'demo-seed' });
        this.log.log(`演示一件事已发布 (demo bundles published): ${bundles.map((b) => b.name).join('、')}`);
      },
      (err) => CatalogueProblem.DATA_CATALOGUE_UNAVAILABLE.is(err),
    );
  }

  onApplicationShutdown(): void {
    this.stop();
  }
}
