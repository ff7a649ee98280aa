import { Topic } from '@gmp/contracts';
import { CreateMessagingTables1763800000000, OutboxRecord, ProcessedMessage } from '@gmp/messaging';
import type { ServiceDefinition } from '@gmp/service-kit';
import { LicenceAccessLog } from './licence/licence-access-log.entity.js';
import { LicenceType } from './licence/licence-type.entity.js';
import { Licence } from './licence/licence.entity.js';
import { OidcPayload } from './identity/oidc-payload.entity.js';
import { SigningKey } from './identity/signing-key.entity.js';
import { IdentityAudit } from './identity/identity-audit.entity.js';
import { PersonAccount } from './identity/person-account.entity.js';
import { AgentAuthorisation } from './identity/agent-authorisation.entity.js';
import { LegalPerson } from './identity/legal-person.entity.js';
import { Department } from './identity/department.entity.js';
import { StaffAccount } from './identity/staff-account.entity.js';
import { Role } from './identity/role.entity.js';
import { Post } from './identity/post.entity.js';
import { OperationLog } from './identity/operation-log.entity.js';
import { LoginThrottleRow } from './identity/login-throttle.entity.js';
import { Notification } from './notification/notification.entity.js';
import { InboxMessage } from './notification/inbox-message.entity.js';
import { SmsLoginCode } from './identity/sms-login-code.entity.js';
import { StoredFile } from './files/stored-file.entity.js';
import { FileBlob } from './files/file-blob.entity.js';
import { ArchiveEntry, ArchivePackage, ArchiveSigningKey } from './archive/archive.entities.js';
import { Seal, SealCa, SealGrant, SealMaker, SealUse } from './seal/seal.entities.js';
import { LicenceAnnotationRow } from './licence/licence-annotation.entity.js';
import { LicenceDocument } from './licence/licence-document.entity.js';
import { LicenceUseAuthorisation } from './licence/licence-use-authorisation.entity.js';
import { UPLOAD_CONTENT_TYPES } from './files/file-store.service.js';
import { LicenceUseAuthorisations1763801800000 } from './migrations/1763801800000-licence-use-authorisations.migration.js';
import { LicenceDocuments1763801900000 } from './migrations/1763801900000-licence-documents.migration.js';
import { LicenceUseByAgents1763802000000 } from './migrations/1763802000000-licence-use-by-agents.migration.js';
import { SealCa1763802300000 } from './migrations/1763802300000-seal-ca.migration.js';
import { ClientAllowedScopes1763802400000 } from './migrations/1763802400000-client-allowed-scopes.migration.js';
import { LicenceLifecycle1763801600000 } from './migrations/1763801600000-licence-lifecycle.migration.js';
import { CreateSeals1763801500000 } from './migrations/1763801500000-create-seals.migration.js';
import { LockOutInThrottle1763801400000 } from './migrations/1763801400000-lock-out-in-throttle.migration.js';
import { CreateArchive1763801300000 } from './migrations/1763801300000-create-archive.migration.js';
import { CreateFileStore1763801200000 } from './migrations/1763801200000-create-file-store.migration.js';
import { CreateSmsLogin1763801100000 } from './migrations/1763801100000-create-sms-login.migration.js';
import { CreateNotifications1763801000000 } from './migrations/1763801000000-create-notifications.migration.js';
import { CreateRolesPostsOperationLog1763800800000 } from './migrations/1763800800000-create-roles-posts-operation-log.migration.js';
import { CreateStaffAccounts1763800700000 } from './migrations/1763800700000-create-staff-accounts.migration.js';
import { CreateLegalPersonsAndAgents1763800600000 } from './migrations/1763800600000-create-legal-persons-and-agents.migration.js';
import { CreatePersonAccounts1763800500000 } from './migrations/1763800500000-create-person-accounts.migration.js';
import { CreateIdentityTables1763800400000 } from './migrations/1763800400000-create-identity-tables.migration.js';
import { CreateLicenceTables1763800100000 } from './migrations/1763800100000-create-licence-tables.migration.js';
import { TechCapabilitiesModule } from './tech-capabilities.module.js';

export const techCapabilitiesService: ServiceDefinition = {
  name: 'tech-capabilities',
  title: '技术中台 (technology middle platform)',
  schema: 'tech',
  defaultPort: 3001,
  feature: TechCapabilitiesModule,
  entities: [LicenceType, Licence, LicenceAccessLog, OidcPayload, SigningKey, PersonAccount, IdentityAudit, LegalPerson, AgentAuthorisation, Department, StaffAccount, Role, Post, OperationLog, LoginThrottleRow, Notification, InboxMessage, SmsLoginCode, StoredFile, FileBlob, ArchivePackage, ArchiveEntry, ArchiveSigningKey, Seal, SealGrant, SealUse, SealMaker, SealCa, LicenceAnnotationRow, LicenceUseAuthorisation, LicenceDocument, OutboxRecord, ProcessedMessage],
  migrations: [CreateMessagingTables1763800000000, CreateLicenceTables1763800100000, CreateIdentityTables1763800400000, CreatePersonAccounts1763800500000, CreateLegalPersonsAndAgents1763800600000, CreateStaffAccounts1763800700000, CreateRolesPostsOperationLog1763800800000, CreateNotifications1763801000000, CreateSmsLogin1763801100000, CreateFileStore1763801200000, CreateArchive1763801300000, LockOutInThrottle1763801400000, CreateSeals1763801500000, LicenceLifecycle1763801600000, LicenceUseAuthorisations1763801800000, LicenceDocuments1763801900000, LicenceUseByAgents1763802000000, SealCa1763802300000, ClientAllowedScopes1763802400000],
  requests: [Topic.DataPopulationVerify],
  publishes: [Topic.LicenceAccessed, Topic.LicenceChanged, Topic.CapabilitiesAnnounced],
  // File uploads arrive as raw bytes with their own size limit (FILE_MAX_BYTES), not as JSON.
  configureHttp: (fastify, config) => {
    fastify.addContentTypeParser(UPLOAD_CONTENT_TYPES, { parseAs: 'buffer', bodyLimit: config.FILE_MAX_BYTES }, (_request, body, done) => done(null, body));
  },
  consumes: [Topic.LicenceQueryByHolder, Topic.IdentityVerifyRealName, Topic.IdentityCheckAgent, Topic.IdentityIntrospectToken, Topic.IdentityResolveLegalPerson, Topic.NotificationSend, Topic.ArchiveDeposit, Topic.ArchiveVerify, Topic.SealSignData, Topic.SealPdf, Topic.SealVerify, Topic.LicenceIssue, Topic.LicenceGet, Topic.LicenceGetPdf, Topic.LicenceVerify, Topic.LicenceChange, Topic.LicenceAuthoriseUse, Topic.LicenceWithdrawUse],
};
