import { Topic } from '@gmp/contracts';
import { MESSAGING_MIGRATIONS, OutboxRecord, ProcessedMessage } from '@gmp/messaging';
import type { ServiceDefinition } from '@gmp/service-kit';
import { DataAccessRecord } from './data-access/data-access-record.entity.js';
import { DataPlatformModule } from './data-platform.module.js';
import { PopulationPerson } from './population/population-person.entity.js';
import { LicenceIndexEntry } from './licence-index/licence-index.entity.js';
import { CreateLicenceIndex1763801700000 } from './migrations/1763801700000-create-licence-index.migration.js';
import { CreatePopulationBase1763800900000 } from './migrations/1763800900000-create-population-base.migration.js';
import { CreateDataAccessRecord1763800200000 } from './migrations/1763800200000-create-data-access-record.migration.js';
import { DataAccessBasis1763802200000 } from './migrations/1763802200000-data-access-basis.migration.js';
import { CreateCatalogueIngestion1763802600000 } from './migrations/1763802600000-create-catalogue-ingestion.migration.js';
import { DataResource, DataResourceVersion } from './catalogue/catalogue.entities.js';
import { DataRecord, DataRecordHistory, DataRecordLink, QuarantineEntry } from './ingestion/ingestion.entities.js';
import { DataCorrection } from './corrections/corrections.entities.js';
import { DataShare, DataShareItemUse } from './sharing/sharing.entities.js';
import { CreateSharing1763802700000 } from './migrations/1763802700000-create-sharing.migration.js';
import { CreateTags1763802800000 } from './migrations/1763802800000-create-tags.migration.js';
import { ChainDataAccess1763802900000 } from './migrations/1763802900000-chain-data-access.migration.js';
import { ProfileIndexes1763803000000 } from './migrations/1763803000000-profile-indexes.migration.js';
import { DataTrackerFields1763803100000 } from './migrations/1763803100000-data-tracker-fields.migration.js';
import { CreateCorrections1763803200000 } from './migrations/1763803200000-create-corrections.migration.js';
import { CreateBulkLoads1763803300000 } from './migrations/1763803300000-create-bulk-loads.migration.js';
import { BulkLine, BulkLoad } from './ingestion/bulk-load.entities.js';
import { acceptBulkLoadBodies } from './ingestion/bulk-load.controller.js';
import { DataTag, DataTagMember, DataTagVersion } from './tags/tags.entities.js';

export const dataPlatformService: ServiceDefinition = {
  name: 'data-platform',
  title: '数据中台 (data middle platform)',
  schema: 'data',
  defaultPort: 3002,
  feature: DataPlatformModule,
  entities: [
    DataAccessRecord,
    PopulationPerson,
    LicenceIndexEntry,
    DataResource,
    DataResourceVersion,
    DataRecord,
    DataRecordHistory,
    DataRecordLink,
    QuarantineEntry,
    BulkLoad,
    BulkLine,
    DataShare,
    DataShareItemUse,
    DataCorrection,
    DataTag,
    DataTagVersion,
    DataTagMember,
    OutboxRecord,
    ProcessedMessage,
  ],
  migrations: [
    ...MESSAGING_MIGRATIONS,
    CreateDataAccessRecord1763800200000,
    CreatePopulationBase1763800900000,
    CreateLicenceIndex1763801700000,
    DataAccessBasis1763802200000,
    CreateCatalogueIngestion1763802600000,
    CreateSharing1763802700000,
    CreateTags1763802800000,
    ChainDataAccess1763802900000,
    ProfileIndexes1763803000000,
    DataTrackerFields1763803100000,
    CreateCorrections1763803200000,
    CreateBulkLoads1763803300000,
  ],
  // Bulk loads stream NDJSON into COPY (the body is read by the route, its limits checked as it arrives).
  configureHttp: (fastify) => acceptBulkLoadBodies(fastify),
  requests: [Topic.CalendarDeadline, Topic.IdentitySubjectOf],
  publishes: [Topic.DataSharingChanged, Topic.DataTagChanged],
  consumes: [
    Topic.LicenceAccessed,
    Topic.DataPopulationVerify,
    Topic.LicenceChanged,
    Topic.DataRecordPublished,
    Topic.DataRead,
    Topic.DataExists,
    Topic.DataItem,
    Topic.DataCatalogueElements,
    Topic.DataTagDryRun,
    Topic.DataTagPublish,
  ],
};
