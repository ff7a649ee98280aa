import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueAdminController } from './catalogue-admin.controller.js';
import { CatalogueHandler } from './catalogue.handler.js';
import { DataResource, DataResourceVersion } from './catalogue.entities.js';
import { CatalogueService } from './catalogue.service.js';
import { DemoCatalogueSeed } from './demo-catalogue.seed.js';
import { PublishResource } from './usecases/publish-resource/publish-resource.usecase.js';

/** 数据资源目录 (resource catalogue): resources with their items, rules and versions. */
@Module({
  imports: [TypeOrmModule.forFeature([DataResource, DataResourceVersion])],
  controllers: [CatalogueAdminController, CatalogueHandler],
  providers: [CatalogueService, PublishResource, DemoCatalogueSeed],
  exports: [CatalogueService, PublishResource, DemoCatalogueSeed],
})
export class CatalogueModule {}
