import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessTokenVerifier, PLATFORM_API_AUDIENCE } from '@gmp/identity';
import { ServiceConfig } from '@gmp/service-kit';
import { DispatchSharedModule } from '../shared/dispatch-shared.module.js';
import { AppCredentialsGuard, OptionalAppCredentialsGuard } from './app-credentials.guard.js';
import { AppCredentialsService } from './app-credentials.service.js';
import { AppsAdminController } from './apps-admin.controller.js';
import { BusinessApp } from './business-app.entity.js';
import { DemoAppSeed } from './demo-app.seed.js';
import { ReplayGuardService } from './replay-guard.service.js';

/**
 * Business-line apps (业务应用): registration, credentials (secrets, signatures, bearer tokens),
 * replay checks. Exports the guards that every app-facing controller uses, with what they need.
 */
@Module({
  imports: [TypeOrmModule.forFeature([BusinessApp]), DispatchSharedModule],
  controllers: [AppsAdminController],
  providers: [
    AppCredentialsService,
    ReplayGuardService,
    AppCredentialsGuard,
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
  exports: [AppCredentialsService, ReplayGuardService, AccessTokenVerifier, AppCredentialsGuard, OptionalAppCredentialsGuard],
})
export class AppsModule {}
