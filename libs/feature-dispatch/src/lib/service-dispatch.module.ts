import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessTokenVerifier, PLATFORM_API_AUDIENCE } from '@gmp/identity';
import { ServiceConfig } from '@gmp/service-kit';
import { AppsAdminController } from './apps/apps-admin.controller.js';
import { ReplayGuardService } from './apps/replay-guard.service.js';
import { DispatchRedis } from './shared/redis.provider.js';
import { RateLimitsService } from './quota/rate-limits.service.js';
import { CallAuditChain, CallAuditEntry } from './audit/call-audit.entities.js';
import { CallAuditController, UsageController } from './audit/call-audit.controller.js';
import { CallAuditService } from './audit/call-audit.service.js';
import { IdempotencyRecord } from './invoke/idempotency-record.entity.js';
import { IdempotencyService } from './invoke/idempotency.service.js';
import { ProviderBreakersService } from './invoke/provider-breakers.service.js';
import { DispatchMetricsService } from './metrics/dispatch-metrics.service.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { AsyncCall } from './async/async-call.entity.js';
import { AsyncCallsController } from './async/async-calls.controller.js';
import { AsyncCallsService } from './async/async-calls.service.js';
import { CapabilityVersion } from './registry/capability-version.entity.js';
import {
  CapabilityAdminController,
  CapabilityDiscoveryController,
  OptionalAppCredentialsGuard,
} from './registry/capability-registry.controller.js';
import { CapabilityRegistryHandler } from './registry/capability-registry.handler.js';
import { CapabilityRegistryService } from './registry/capability-registry.service.js';
import { Composite } from './composition/composite.entity.js';
import { CompositesAdminController } from './composition/composites-admin.controller.js';
import { DemoCompositeSeed } from './composition/demo-composite.seed.js';
import { PublishedCompositesService } from './composition/published-composites.service.js';
import { StepTargetsService } from './composition/step-targets.service.js';
import { DryRunComposite } from './composition/usecases/dry-run-composite/dry-run-composite.usecase.js';
import { PublishComposite } from './composition/usecases/publish-composite/publish-composite.usecase.js';
import { RunComposite } from './composition/usecases/run-composite/run-composite.usecase.js';
import { InterfaceProxyService } from './proxy/interface-proxy.service.js';
import { Upstream } from './proxy/upstream.entity.js';
import { UpstreamsAdminController } from './proxy/upstreams-admin.controller.js';
import { AppCredentialsGuard } from './apps/app-credentials.guard.js';
import { AppCredentialsService } from './apps/app-credentials.service.js';
import { BusinessApp } from './apps/business-app.entity.js';
import { DemoAppSeed } from './apps/demo-app.seed.js';
import { CapabilityInvokerService } from './invoke/capability-invoker.service.js';
import { InvokeController } from './invoke/invoke.controller.js';
import { CapabilityGrant } from './grants/capability-grant.entity.js';
import { GrantsService } from './grants/grants.service.js';
import { SubscriptionsAdminController, SubscriptionsController } from './grants/subscriptions.controller.js';
import { LegalBasis } from './legal-bases/legal-basis.entity.js';
import { LegalBasesService } from './legal-bases/legal-bases.service.js';
import { LegalBasesAdminController, LegalBasesController } from './legal-bases/legal-bases.controller.js';

/** 服务调度: the public door for business lines. */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      BusinessApp,
      CapabilityGrant,
      CallAuditChain,
      CallAuditEntry,
      IdempotencyRecord,
      AsyncCall,
      CapabilityVersion,
      Upstream,
      Composite,
      LegalBasis,
    ]),
  ],
  controllers: [
    CapabilityDiscoveryController,
    CapabilityAdminController,
    CapabilityRegistryHandler,
    InvokeController,
    SubscriptionsController,
    SubscriptionsAdminController,
    AppsAdminController,
    UsageController,
    CallAuditController,
    MetricsController,
    AsyncCallsController,
    UpstreamsAdminController,
    CompositesAdminController,
    LegalBasesController,
    LegalBasesAdminController,
  ],
  providers: [
    AppCredentialsService,
    AppCredentialsGuard,
    CapabilityInvokerService,
    GrantsService,
    LegalBasesService,
    DispatchRedis,
    ReplayGuardService,
    RateLimitsService,
    CallAuditService,
    IdempotencyService,
    ProviderBreakersService,
    DispatchMetricsService,
    AsyncCallsService,
    CapabilityRegistryService,
    InterfaceProxyService,
    StepTargetsService,
    PublishedCompositesService,
    DryRunComposite,
    PublishComposite,
    RunComposite,
    DemoCompositeSeed,
    OptionalAppCredentialsGuard,
    DemoAppSeed,
    {
      // Bearer tokens are accepted once the platform's OpenID provider is configured.
      provide: AccessTokenVerifier,
      inject: [ServiceConfig],
      useFactory: (config: ServiceConfig) =>
        config.OIDC_ISSUER ? new AccessTokenVerifier({ issuer: config.OIDC_ISSUER, audience: PLATFORM_API_AUDIENCE }) : null,
    },
  ],
})
export class ServiceDispatchModule {}
