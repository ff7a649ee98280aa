import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataAccessRecord } from './data-access/data-access-record.entity.js';
import { DataAccessModule } from './data-access/data-access.module.js';
import { DemoPopulationSeed } from './population/demo-population.seed.js';
import { PopulationPerson } from './population/population-person.entity.js';
import { PopulationHandler } from './population/population.handler.js';
import { PopulationService } from './population/population.service.js';
import { LicenceIndexEntry } from './licence-index/licence-index.entity.js';
import { LicenceIndexHandler } from './licence-index/licence-index.handler.js';
import { CatalogueModule } from './catalogue/catalogue.module.js';
import { IngestionModule } from './ingestion/ingestion.module.js';
import { CorrectionsModule } from './corrections/corrections.module.js';
import { SharingModule } from './sharing/sharing.module.js';
import { TagsModule } from './tags/tags.module.js';
import { DemoDataSeed } from './demo-data.seed.js';

/** 数据中台: resource catalogue, ingestion with quality rules and quarantine, sharing and data services, data-access audit, the population base library. */
@Module({
  imports: [
    TypeOrmModule.forFeature([DataAccessRecord, PopulationPerson, LicenceIndexEntry]),
    CatalogueModule,
    IngestionModule,
    SharingModule,
    CorrectionsModule,
    TagsModule,
    DataAccessModule,
  ],
  controllers: [PopulationHandler, LicenceIndexHandler],
  providers: [PopulationService, DemoPopulationSeed, DemoDataSeed],
})
export class DataPlatformModule {}
