import { readFileSync } from 'node:fs';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ProblemException, ServiceConfig } from '@gmp/service-kit';
import { GrantsService } from '../grants/grants.service.js';
import { Composite } from './composite.entity.js';
import { PublishComposite } from './usecases/publish-composite/publish-composite.usecase.js';

/** SEED_DEMO: the shipped example composite is published and granted to the demo apps. */
@Injectable()
export class DemoCompositeSeed implements OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ServiceConfig,
    private readonly publish: PublishComposite,
    private readonly grants: GrantsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.SEED_DEMO) return;
    const code = 'composite.citizen-licences';
    if (!(await this.dataSource.getRepository(Composite).existsBy({ code }))) {
      const document = readFileSync(new URL('./examples/citizen-licences.composite.yaml', import.meta.url), 'utf8');
      await this.publish.execute({ document, by: 'demo-seed' }).catch((err: Error) => {
        if (!(err instanceof ProblemException && err.getStatus() === 409)) throw err; // another instance published it meanwhile
      });
    }
    await this.grants.grantDemoApps([code]);
  }
}
