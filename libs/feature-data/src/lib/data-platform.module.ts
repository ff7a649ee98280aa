import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataAccessRecord } from './data-access/data-access-record.entity.js';
import { DataAccessController } from './data-access/data-access.controller.js';
import { DataAccessHandler } from './data-access/data-access.handler.js';
import { DemoPopulationSeed } from './population/demo-population.seed.js';
import { PopulationPerson } from './population/population-person.entity.js';
import { PopulationHandler } from './population/population.handler.js';
import { PopulationService } from './population/population.service.js';
import { LicenceIndexEntry } from './licence-index/licence-index.entity.js';
import { LicenceIndexHandler } from './licence-index/licence-index.handler.js';
import { CatalogueModule } from './catalogue/catalogue.module.js';
import { IngestionModule } from './ingestion/ingestion.module.js';

/** 数据中台: resource catalogue, ingestion with quality rules and quarantine, data-access audit, the population base library (sharing and the other base libraries come next). */
@Module({
  imports: [TypeOrmModule.forFeature([DataAccessRecord, PopulationPerson, LicenceIndexEntry]), CatalogueModule, IngestionModule],
  controllers: [DataAccessHandler, DataAccessController, PopulationHandler, LicenceIndexHandler],
  providers: [PopulationService, DemoPopulationSeed],
})
export class DataPlatformModule {}
