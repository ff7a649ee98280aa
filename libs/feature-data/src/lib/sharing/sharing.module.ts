import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { DataAccessModule } from '../data-access/data-access.module.js';
import { IngestionModule } from '../ingestion/ingestion.module.js';
import { SharingEventsService } from './sharing-events.service.js';
import { SharingController } from './sharing.controller.js';
import { ItemUseCounter } from './item-use-counter.service.js';
import { DataShare, DataShareItemUse } from './sharing.entities.js';
import { SharingHandler } from './sharing.handler.js';
import { ApplyForShare } from './usecases/apply-for-share/apply-for-share.usecase.js';
import { DecideShare } from './usecases/decide-share/decide-share.usecase.js';
import { PrefillForm } from './usecases/prefill-form/prefill-form.usecase.js';
import { ReadSharedData } from './usecases/read-shared-data/read-shared-data.usecase.js';
import { RevokeShare } from './usecases/revoke-share/revoke-share.usecase.js';
import { SweepShares } from './usecases/sweep-shares/sweep-shares.usecase.js';
import { CorrectionsModule } from '../corrections/corrections.module.js';

/** 数据共享 (sharing): applications and grants with the owner's approval in 10 working days, and the data services over a grant. */
@Module({
  imports: [TypeOrmModule.forFeature([DataShare, DataShareItemUse]), CatalogueModule, IngestionModule, DataAccessModule, CorrectionsModule],
  controllers: [SharingController, SharingHandler],
  providers: [ItemUseCounter, SharingEventsService, ApplyForShare, DecideShare, RevokeShare, SweepShares, ReadSharedData, PrefillForm],
  exports: [ReadSharedData, ApplyForShare, DecideShare],
})
export class SharingModule {}
