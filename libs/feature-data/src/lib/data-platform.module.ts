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

/** 数据中台: data-access audit and the population base library (catalogue, sharing and the other base libraries come next). */
@Module({
  imports: [TypeOrmModule.forFeature([DataAccessRecord, PopulationPerson, LicenceIndexEntry])],
  controllers: [DataAccessHandler, DataAccessController, PopulationHandler, LicenceIndexHandler],
  providers: [PopulationService, DemoPopulationSeed],
})
export class DataPlatformModule {}
