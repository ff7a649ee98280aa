import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppsModule } from '../apps/apps.module.js';
import { LegalBasesModule } from '../legal-bases/legal-bases.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { CapabilityDiscoveryController } from './capability-discovery.controller.js';
import { CapabilityGrant } from './capability-grant.entity.js';
import { GrantsService } from './grants.service.js';
import { SubscriptionsAdminController, SubscriptionsController } from './subscriptions.controller.js';

/** Subscriptions and grants (订阅与授权): what each app may call, approved by the owner; discovery as the app sees it. */
@Module({
  imports: [TypeOrmModule.forFeature([CapabilityGrant]), AppsModule, RegistryModule, LegalBasesModule],
  controllers: [CapabilityDiscoveryController, SubscriptionsController, SubscriptionsAdminController],
  providers: [GrantsService],
  exports: [GrantsService],
})
export class GrantsModule {}
