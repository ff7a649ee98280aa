import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IngestionModule } from '../ingestion/ingestion.module.js';
import { TagMembershipService } from './tag-membership.service.js';
import { TagRulesService } from './tag-rules.service.js';
import { TagsController } from './tags.controller.js';
import { TagsHandler } from './tags.handler.js';
import { DataAccessModule } from '../data-access/data-access.module.js';
import { DataTag, DataTagMember, DataTagVersion } from './tags.entities.js';
import { DryRunTag } from './usecases/dry-run-tag/dry-run-tag.usecase.js';
import { PublishTag } from './usecases/publish-tag/publish-tag.usecase.js';
import { RetagSubjects } from './usecases/retag-subjects/retag-subjects.usecase.js';

/** 标签库 (tags): CEL rules over profiles, recomputed when a subject's data changes; TagGained / TagLost events. */
@Module({
  imports: [TypeOrmModule.forFeature([DataTag, DataTagVersion, DataTagMember]), IngestionModule, DataAccessModule],
  controllers: [TagsController, TagsHandler],
  providers: [TagRulesService, TagMembershipService, DryRunTag, PublishTag, RetagSubjects],
  exports: [TagRulesService, PublishTag],
})
export class TagsModule {}
