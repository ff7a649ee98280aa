import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessTokenGuard, AccessTokenVerifier, PLATFORM_API_AUDIENCE } from '@gmp/identity';
import { NotificationModule } from '@gmp/tech-notification';
import { AccountsService } from './accounts.service.js';
import { AgentsController } from './agents.controller.js';
import { AgentsService } from './agents.service.js';
import { DemoClientsSeed } from './demo-clients.seed.js';
import { FaceMatchService } from './face-match.service.js';
import { IdentityAdminController, StaffProvisioningController } from './identity-admin.controller.js';
import { IdentityAuditController } from './identity-audit.controller.js';
import { IdentityHandler } from './identity.handler.js';
import { IDENTITY_ENTITIES } from './identity.schema.js';
import { InteractionController } from './interaction.controller.js';
import { LiveGrantGuard } from './live-grant.guard.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { OidcProviderService } from './oidc-provider.service.js';
import { OidcController } from './oidc.controller.js';
import { OperationLogService } from './operation-log.service.js';
import { RealNameService } from './real-name.service.js';
import { SessionsController } from './sessions.controller.js';
import { SessionsService } from './sessions.service.js';
import { SigningKeysService } from './signing-keys.service.js';
import { SigningKeysController } from './signing-keys.controller.js';
import { StaffDirectoryService } from './staff-directory.service.js';

/**
 * 统一身份认证 (unified identity): the OpenID provider, accounts, legal persons and agents, the
 * staff directory, sessions, the identity capabilities over Kafka. Other capabilities ask it
 * through its exported services, never its tables.
 */
@Module({
  imports: [TypeOrmModule.forFeature(IDENTITY_ENTITIES), NotificationModule],
  controllers: [
    OidcController,
    InteractionController,
    IdentityHandler,
    AgentsController,
    SessionsController,
    IdentityAdminController,
    SigningKeysController,
    StaffProvisioningController,
    IdentityAuditController,
  ],
  providers: [
    SigningKeysService,
    LoginThrottleService,
    StaffDirectoryService,
    AccountsService,
    AgentsService,
    OidcProviderService,
    DemoClientsSeed,
    SessionsService,
    OperationLogService,
    RealNameService,
    FaceMatchService,
    LiveGrantGuard,
  ],
  exports: [AccountsService, AgentsService, OidcProviderService, SigningKeysService],
})
export class IdentityProviderModule {}

/**
 * The platform's access tokens verified in process with the provider's own keys, for every
 * module of tech-capabilities (global: the notification and file controllers use the guard too).
 */
@Global()
@Module({
  imports: [IdentityProviderModule],
  providers: [
    {
      provide: AccessTokenVerifier,
      inject: [OidcProviderService, SigningKeysService],
      useFactory: (oidc: OidcProviderService, keys: SigningKeysService) =>
        new AccessTokenVerifier({ issuer: oidc.issuer, audience: PLATFORM_API_AUDIENCE, keys: (kid) => keys.publicKeyPem(kid) }),
    },
    AccessTokenGuard,
  ],
  exports: [AccessTokenVerifier, AccessTokenGuard],
})
export class TokenVerificationModule {}
