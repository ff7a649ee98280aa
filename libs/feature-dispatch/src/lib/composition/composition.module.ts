import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { GrantsModule } from '../grants/grants.module.js';
import { InvokeModule } from '../invoke/invoke.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { ProxyModule } from '../proxy/proxy.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { Composite } from './composite.entity.js';
import { CompositesAdminController } from './composites-admin.controller.js';
import { DemoCompositeSeed } from './demo-composite.seed.js';
import { PublishedCompositesService } from './published-composites.service.js';
import { StepTargetsService } from './step-targets.service.js';
import { DryRunComposite } from './usecases/dry-run-composite/dry-run-composite.usecase.js';
import { PublishComposite } from './usecases/publish-composite/publish-composite.usecase.js';
import { RunComposite } from './usecases/run-composite/run-composite.usecase.js';

/** Composite capabilities (组合能力): declared, dry-run, published into the registry, run step by step as the calling app. */
@Module({
  imports: [TypeOrmModule.forFeature([Composite]), AuditModule, GrantsModule, InvokeModule, MetricsModule, ProxyModule, RegistryModule],
  controllers: [CompositesAdminController],
  providers: [StepTargetsService, PublishedCompositesService, DryRunComposite, PublishComposite, RunComposite, DemoCompositeSeed],
})
export class CompositionModule {}
