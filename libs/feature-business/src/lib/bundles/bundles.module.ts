import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MattersModule } from '../matters/matters.module.js';
import { BundlesController } from './bundles.controller.js';
import { BizBundle } from './bundles.entities.js';
import { BundlesService } from './bundles.service.js';
import { ElementSourcesService } from './element-sources.service.js';
import { PublishBundle } from './usecases/publish-bundle/publish-bundle.usecase.js';

/** 一件事 (bundles): versioned definitions compiled into plans against the matter catalogue and the data catalogue. */
@Module({
  imports: [TypeOrmModule.forFeature([BizBundle]), MattersModule],
  controllers: [BundlesController],
  providers: [BundlesService, PublishBundle, ElementSourcesService],
  exports: [BundlesService, PublishBundle],
})
export class BundlesModule {}
