import { Topic } from '@gmp/contracts';
import { MESSAGING_MIGRATIONS, OutboxRecord, ProcessedMessage } from '@gmp/messaging';
import type { ServiceDefinition } from '@gmp/service-kit';
import { ARCHIVE_ENTITIES, ARCHIVE_MIGRATIONS } from '@gmp/tech-archive';
import { CALENDAR_ENTITIES, CALENDAR_MIGRATIONS } from '@gmp/tech-calendar';
import { FILE_STORE_ENTITIES, FILE_STORE_MIGRATIONS, FileStoreConfig, UPLOAD_CONTENT_TYPES } from '@gmp/tech-files';
import { IDENTITY_ENTITIES, IDENTITY_MIGRATIONS, IdentityConfig } from '@gmp/tech-identity';
import { LICENCE_ENTITIES, LICENCE_MIGRATIONS, LicenceConfig } from '@gmp/tech-licence';
import { NOTIFICATION_ENTITIES, NOTIFICATION_MIGRATIONS, NotificationConfig } from '@gmp/tech-notification';
import { SEAL_ENTITIES, SEAL_MIGRATIONS } from '@gmp/tech-seal';
import { TechCapabilitiesModule } from './tech-capabilities.module.js';

export const techCapabilitiesService: ServiceDefinition = {
  name: 'tech-capabilities',
  title: '技术中台 (technology middle platform)',
  schema: 'tech',
  defaultPort: 3001,
  feature: TechCapabilitiesModule,
  config: [IdentityConfig, LicenceConfig, NotificationConfig, FileStoreConfig],
  entities: [
    ...IDENTITY_ENTITIES,
    ...LICENCE_ENTITIES,
    ...SEAL_ENTITIES,
    ...NOTIFICATION_ENTITIES,
    ...FILE_STORE_ENTITIES,
    ...ARCHIVE_ENTITIES,
    ...CALENDAR_ENTITIES,
    OutboxRecord,
    ProcessedMessage,
  ],
  // Each module's migrations; TypeORM runs them in the order of their timestamps (the order they were written in).
  migrations: [
    ...MESSAGING_MIGRATIONS,
    ...IDENTITY_MIGRATIONS,
    ...LICENCE_MIGRATIONS,
    ...SEAL_MIGRATIONS,
    ...NOTIFICATION_MIGRATIONS,
    ...FILE_STORE_MIGRATIONS,
    ...ARCHIVE_MIGRATIONS,
    ...CALENDAR_MIGRATIONS,
  ],
  requests: [Topic.DataPopulationVerify],
  publishes: [Topic.LicenceAccessed, Topic.LicenceChanged, Topic.CapabilitiesAnnounced],
  // File uploads arrive as raw bytes with their own size limit (FILE_MAX_BYTES), not as JSON.
  configureHttp: (fastify, config) => {
    fastify.addContentTypeParser(
      UPLOAD_CONTENT_TYPES,
      { parseAs: 'buffer', bodyLimit: config.section(FileStoreConfig).FILE_MAX_BYTES },
      (_request, body, done) => done(null, body),
    );
  },
  consumes: [
    Topic.LicenceQueryByHolder,
    Topic.IdentityVerifyRealName,
    Topic.IdentityCheckAgent,
    Topic.IdentityIntrospectToken,
    Topic.IdentityResolveLegalPerson,
    Topic.IdentitySubjectOf,
    Topic.IdentityDepartments,
    Topic.NotificationSend,
    Topic.ArchiveDeposit,
    Topic.ArchiveVerify,
    Topic.CalendarDeadline,
    Topic.CalendarCount,
    Topic.SealSignData,
    Topic.SealPdf,
    Topic.SealVerify,
    Topic.LicenceIssue,
    Topic.LicenceGet,
    Topic.LicenceGetPdf,
    Topic.LicenceVerify,
    Topic.LicenceChange,
    Topic.LicenceAuthoriseUse,
    Topic.LicenceWithdrawUse,
  ],
};
