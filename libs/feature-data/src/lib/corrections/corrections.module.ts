import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { DataAccessModule } from '../data-access/data-access.module.js';
import { IngestionModule } from '../ingestion/ingestion.module.js';
import { CorrectionsController } from './corrections.controller.js';
import { DataCorrection } from './corrections.entities.js';
import { CorrectionsHandler } from './corrections.handler.js';
import { OpenCorrections } from './open-corrections.service.js';
import { DecideCorrection } from './usecases/decide-correction/decide-correction.usecase.js';
import { DisputeValue } from './usecases/dispute-value/dispute-value.usecase.js';

/** 数据纠错 (corrections): disputed prefilled values sent to the provider department, answered within 10 working days. */
@Module({
  imports: [TypeOrmModule.forFeature([DataCorrection]), CatalogueModule, IngestionModule, DataAccessModule],
  controllers: [CorrectionsController, CorrectionsHandler],
  providers: [DisputeValue, DecideCorrection, OpenCorrections],
  exports: [OpenCorrections],
})
export class CorrectionsModule {}
