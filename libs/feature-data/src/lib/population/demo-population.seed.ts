import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DEMO_CITIZENS } from '@gmp/gov-standards';
import { ServiceConfig } from '@gmp/service-kit';
import { PopulationPerson } from './population-person.entity.js';
import { PopulationService } from './population.service.js';

/** With SEED_DEMO on and an empty library, records the synthetic demo citizens. */
@Injectable()
export class DemoPopulationSeed implements OnApplicationBootstrap {
  private readonly log = new Logger('DemoPopulationSeed');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ServiceConfig,
    private readonly population: PopulationService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.SEED_DEMO || (await this.dataSource.getRepository(PopulationPerson).count()) > 0) return;
    for (const citizen of DEMO_CITIZENS) await this.population.upsert(citizen.id, citizen.name, 'demo-seed');
    this.log.log(`演示人口数据已登记 (demo population records): ${DEMO_CITIZENS.length}`);
  }
}
