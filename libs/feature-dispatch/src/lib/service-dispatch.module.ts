import { Module } from '@nestjs/common';
import { AppsModule } from './apps/apps.module.js';
import { AsyncModule } from './async/async.module.js';
import { AuditModule } from './audit/audit.module.js';
import { CompositionModule } from './composition/composition.module.js';
import { GrantsModule } from './grants/grants.module.js';
import { InvokeModule } from './invoke/invoke.module.js';
import { LegalBasesModule } from './legal-bases/legal-bases.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ProxyModule } from './proxy/proxy.module.js';
import { QuotaModule } from './quota/quota.module.js';
import { RegistryModule } from './registry/registry.module.js';

/**
 * 服务调度: the public door for business lines, composed of one module per job, each exporting
 * only what the others use (docs/architecture.md, "Module map — service dispatch").
 */
@Module({
  imports: [
    AppsModule,
    RegistryModule,
    LegalBasesModule,
    GrantsModule,
    QuotaModule,
    ProxyModule,
    MetricsModule,
    AuditModule,
    InvokeModule,
    AsyncModule,
    CompositionModule,
  ],
})
export class ServiceDispatchModule {}
