import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppsModule } from '../apps/apps.module.js';
import { GrantsModule } from '../grants/grants.module.js';
import { LegalBasesModule } from '../legal-bases/legal-bases.module.js';
import { ProxyModule } from '../proxy/proxy.module.js';
import { QuotaModule } from '../quota/quota.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { CapabilityInvokerService } from './capability-invoker.service.js';
import { IdempotencyRecord } from './idempotency-record.entity.js';
import { IdempotencyService } from './idempotency.service.js';
import { InvokeController } from './invoke.controller.js';
import { ProviderBreakersModule } from './provider-breakers.module.js';

/** Calling a capability (能力调用): admission (grant, legal basis, limits, input), idempotency, the call through its breaker. */
@Module({
  imports: [
    TypeOrmModule.forFeature([IdempotencyRecord]),
    AppsModule,
    GrantsModule,
    LegalBasesModule,
    ProxyModule,
    QuotaModule,
    RegistryModule,
    ProviderBreakersModule,
  ],
  controllers: [InvokeController],
  providers: [IdempotencyService, CapabilityInvokerService],
  exports: [CapabilityInvokerService],
})
export class InvokeModule {}
