import { Topic } from '@gmp/contracts';
import { MESSAGING_MIGRATIONS, OutboxRecord, ProcessedMessage } from '@gmp/messaging';
import type { ServiceDefinition } from '@gmp/service-kit';
import { BusinessPlatformModule } from './business-platform.module.js';
import { acceptYamlBodies } from './bundles/bundles.controller.js';
import { BizBundle } from './bundles/bundles.entities.js';
import { BizMatter, BizMatterVersion } from './matters/matters.entities.js';
import { BizCase, BizCaseCommitment, BizCaseEvent, BizCaseOutput, BizCasePart, BizCaseSupplement } from './cases/cases.entities.js';
import { BizDepartment } from './back-office/department.entity.js';
import { BizRating, BizRectification } from './ratings/ratings.entities.js';
import { BizPolicy, BizPolicyOffer, BizPolicyVersion, BizTagMember } from './policies/policies.entities.js';
import { BusinessConfig } from './business.config.js';
import { CreateCases1763900100000 } from './migrations/1763900100000-create-cases.migration.js';
import { PartDeadlines1763900200000 } from './migrations/1763900200000-part-deadlines.migration.js';
import { CaseDelivery1763900400000 } from './migrations/1763900400000-case-delivery.migration.js';
import { StepLimits1763900500000 } from './migrations/1763900500000-step-limits.migration.js';
import { CasePrefill1763900600000 } from './migrations/1763900600000-case-prefill.migration.js';
import { SupplementReminders1763900700000 } from './migrations/1763900700000-supplement-reminders.migration.js';
import { CaseCommitments1763900800000 } from './migrations/1763900800000-case-commitments.migration.js';
import { PartClock1763900900000 } from './migrations/1763900900000-part-clock.migration.js';
import { Ratings1763901000000 } from './migrations/1763901000000-ratings.migration.js';
import { Policies1763901100000 } from './migrations/1763901100000-policies.migration.js';
import { PolicyVersions1763901200000 } from './migrations/1763901200000-policy-versions.migration.js';
import { RectificationAcceptance1763901300000 } from './migrations/1763901300000-rectification-acceptance.migration.js';
import { CaseRegions1763901400000 } from './migrations/1763901400000-case-regions.migration.js';
import { ApplyFree1763901500000 } from './migrations/1763901500000-apply-free.migration.js';
import { OfferNotices1763901600000 } from './migrations/1763901600000-offer-notices.migration.js';
import { OfferFollowUps1763901700000 } from './migrations/1763901700000-offer-follow-ups.migration.js';
import { BackOffice1763900300000 } from './migrations/1763900300000-back-office.migration.js';
import { CreateCatalogue1763900000000 } from './migrations/1763900000000-create-catalogue.migration.js';

export const businessPlatformService: ServiceDefinition = {
  name: 'business-platform',
  title: '业务中台 (business middle platform)',
  schema: 'business',
  defaultPort: 3003,
  feature: BusinessPlatformModule,
  config: [BusinessConfig],
  entities: [
    BizMatter,
    BizMatterVersion,
    BizBundle,
    BizCase,
    BizCasePart,
    BizCaseSupplement,
    BizCaseEvent,
    BizCaseOutput,
    BizCaseCommitment,
    BizRating,
    BizRectification,
    BizPolicy,
    BizPolicyVersion,
    BizPolicyOffer,
    BizTagMember,
    BizDepartment,
    OutboxRecord,
    ProcessedMessage,
  ],
  migrations: [
    ...MESSAGING_MIGRATIONS,
    CreateCatalogue1763900000000,
    CreateCases1763900100000,
    PartDeadlines1763900200000,
    BackOffice1763900300000,
    CaseDelivery1763900400000,
    StepLimits1763900500000,
    CasePrefill1763900600000,
    SupplementReminders1763900700000,
    CaseCommitments1763900800000,
    PartClock1763900900000,
    Ratings1763901000000,
    Policies1763901100000,
    PolicyVersions1763901200000,
    RectificationAcceptance1763901300000,
    CaseRegions1763901400000,
    ApplyFree1763901500000,
    OfferNotices1763901600000,
    OfferFollowUps1763901700000,
  ],
  // Bundle definitions may be uploaded as YAML.
  configureHttp: (fastify) => acceptYamlBodies(fastify),
  requests: [
    Topic.DataCatalogueElements,
    Topic.CalendarDeadline,
    Topic.CalendarCount,
    Topic.IdentityDepartments,
    Topic.LicenceIssue,
    Topic.ArchiveDeposit,
    Topic.NotificationSend,
    Topic.DataPrefill,
    Topic.DataExists,
    Topic.LicenceChange,
    Topic.IdentitySubjectOf,
    Topic.DataTagDryRun,
    Topic.DataTagPublish,
  ],
  publishes: [
    Topic.BusinessPartDispatched,
    Topic.BusinessPartDecided,
    Topic.BusinessPartOverdue,
    Topic.BusinessPartWithdrawn,
    Topic.DataRecordPublished,
  ],
  // Events, and the requests it serves (its request topic): the applicant's side through dispatch.
  consumes: [
    Topic.BusinessPartDecided,
    Topic.BusinessPartDispatched,
    Topic.BusinessMyCases,
    Topic.BusinessMyCase,
    Topic.BusinessWithdrawCase,
    Topic.BusinessRateCase,
    Topic.BusinessMyPolicies,
    Topic.BusinessObjectPolicy,
    Topic.DataTagChanged,
  ],
};
