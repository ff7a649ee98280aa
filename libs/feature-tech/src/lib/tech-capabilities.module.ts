import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DemoLicenceSeed } from './licence/demo-licences.seed.js';
import { LicenceAccessLog } from './licence/licence-access-log.entity.js';
import { LicenceQueryService } from './licence/licence-query.service.js';
import { LicenceType } from './licence/licence-type.entity.js';
import { Licence } from './licence/licence.entity.js';
import { LicenceHandler } from './licence/licence.handler.js';
import { LicenceHttpController } from './licence/licence-http.controller.js';
import { DemoClientsSeed } from './identity/demo-clients.seed.js';
import { OidcPayload } from './identity/oidc-payload.entity.js';
import { OidcProviderService } from './identity/oidc-provider.service.js';
import { OidcController } from './identity/oidc.controller.js';
import { SigningKey } from './identity/signing-key.entity.js';
import { SigningKeysService } from './identity/signing-keys.service.js';
import { AccountsService } from './identity/accounts.service.js';
import { IdentityAudit } from './identity/identity-audit.entity.js';
import { InteractionController } from './identity/interaction.controller.js';
import { PersonAccount } from './identity/person-account.entity.js';
import { AgentAuthorisation } from './identity/agent-authorisation.entity.js';
import { AgentsController } from './identity/agents.controller.js';
import { AgentsService } from './identity/agents.service.js';
import { IdentityHandler } from './identity/identity.handler.js';
import { LegalPerson } from './identity/legal-person.entity.js';
import { SessionsController } from './identity/sessions.controller.js';
import { Department } from './identity/department.entity.js';
import { StaffAccount } from './identity/staff-account.entity.js';
import { Role } from './identity/role.entity.js';
import { Post } from './identity/post.entity.js';
import { OperationLog } from './identity/operation-log.entity.js';
import { LoginThrottleRow } from './identity/login-throttle.entity.js';
import { LoginThrottle } from './identity/login-throttle.service.js';
import { StaffDirectoryService } from './identity/staff-directory.service.js';
import { SessionsService } from './identity/sessions.service.js';
import { RealNameService } from './identity/real-name.service.js';
import { FaceMatchService } from './identity/face-match.service.js';
import { OperationLogService } from './identity/operation-log.service.js';
import { IdentityAdminController, StaffProvisioningController } from './identity/identity-admin.controller.js';
import { LiveGrantGuard } from './identity/live-grant.guard.js';
import { IdentityAuditController } from './identity/identity-audit.controller.js';
import { AccessTokenGuard, AccessTokenVerifier, PLATFORM_API_AUDIENCE } from '@gmp/identity';
import { Notification } from './notification/notification.entity.js';
import { SmsLoginCode } from './identity/sms-login-code.entity.js';
import { StoredFile } from './files/stored-file.entity.js';
import { ArchiveEntry, ArchivePackage, ArchiveSigningKey } from './archive/archive.entities.js';
import { ArchiveService } from './archive/archive.service.js';
import { ArchiveHandler } from './archive/archive.handler.js';
import { Seal, SealGrant, SealMaker, SealUse } from './seal/seal.entities.js';
import { SealService } from './seal/seal.service.js';
import { SealHandler } from './seal/seal.handler.js';
import { SealController } from './seal/seal.controller.js';
import { DemoSealSeed } from './seal/demo-seal.seed.js';
import { LicenceAnnotationRow } from './licence/licence-annotation.entity.js';
import { LicenceDocument } from './licence/licence-document.entity.js';
import { CapabilityAnnouncer } from './registry/capability-announcer.service.js';
import { LicenceUseAuthorisation } from './licence/licence-use-authorisation.entity.js';
import { LicenceLifecycleService } from './licence/licence-lifecycle.service.js';
import { LicenceLifecycleHandler } from './licence/licence-lifecycle.handler.js';
import { LicenceExpiryJob } from './licence/licence-expiry.job.js';
import { FileBlob } from './files/file-blob.entity.js';
import { FileStoreService } from './files/file-store.service.js';
import { FileStoreController, InternalFileStoreController } from './files/file-store.controller.js';
import { InboxMessage } from './notification/inbox-message.entity.js';
import { NotificationService } from './notification/notification.service.js';
import { NotificationHandler } from './notification/notification.handler.js';
import { InboxController, NotificationController } from './notification/notification.controller.js';

/** 技术中台: the capabilities served by tech-capabilities (identity, e-licence, e-seal, notifications, file store, e-archive). */
@Module({
  imports: [TypeOrmModule.forFeature([LicenceType, Licence, LicenceAccessLog, OidcPayload, SigningKey, PersonAccount, IdentityAudit, LegalPerson, AgentAuthorisation, Department, StaffAccount, Role, Post, OperationLog, LoginThrottleRow, Notification, InboxMessage, SmsLoginCode, StoredFile, FileBlob, ArchivePackage, ArchiveEntry, ArchiveSigningKey, Seal, SealGrant, SealUse, SealMaker, LicenceAnnotationRow, LicenceUseAuthorisation, LicenceDocument])],
  controllers: [LicenceHandler, LicenceHttpController, OidcController, InteractionController, IdentityHandler, AgentsController, SessionsController, IdentityAdminController, StaffProvisioningController, IdentityAuditController, NotificationHandler, NotificationController, InboxController, FileStoreController, InternalFileStoreController, ArchiveHandler, SealHandler, SealController, LicenceLifecycleHandler],
  providers: [CapabilityAnnouncer, LicenceQueryService, DemoLicenceSeed, SigningKeysService, LoginThrottle, StaffDirectoryService, AccountsService, AgentsService, OidcProviderService, DemoClientsSeed, SessionsService, OperationLogService, RealNameService, FaceMatchService, NotificationService, FileStoreService, ArchiveService, SealService, DemoSealSeed, LicenceLifecycleService, LicenceExpiryJob, LiveGrantGuard, AccessTokenGuard,
    {
      // The provider's own APIs verify its tokens like every service does, with the keys read in process.
      provide: AccessTokenVerifier,
      inject: [OidcProviderService, SigningKeysService],
      useFactory: (oidc: OidcProviderService, keys: SigningKeysService) => new AccessTokenVerifier({ issuer: oidc.issuer, audience: PLATFORM_API_AUDIENCE, keys: (kid) => keys.publicKeyPem(kid) }),
    },
  ],
})
export class TechCapabilitiesModule {}
