import { CAPABILITIES, Topic } from '@gmp/contracts';
import { MESSAGING_MIGRATIONS, OutboxRecord, ProcessedMessage } from '@gmp/messaging';
import type { ServiceDefinition } from '@gmp/service-kit';
import { BusinessApp } from './apps/business-app.entity.js';
import { CreateBusinessApp1763800300000 } from './migrations/1763800300000-create-business-app.migration.js';
import { ServiceDispatchModule } from './service-dispatch.module.js';
import { DispatchConfig } from './dispatch.config.js';
import { CapabilityGrant } from './grants/capability-grant.entity.js';
import { GuardCallAuditChains1763801700000 } from './migrations/1763801700000-guard-call-audit-chains.migration.js';
import { CreateUpstreams1763801600000 } from './migrations/1763801600000-create-upstreams.migration.js';
import { Upstream } from './proxy/upstream.entity.js';
import { Composite } from './composition/composite.entity.js';
import { CreateComposites1763801800000 } from './migrations/1763801800000-create-composites.migration.js';
import { UpstreamOauth1763801900000 } from './migrations/1763801900000-upstream-oauth.migration.js';
import { AppContactsIps1763802000000 } from './migrations/1763802000000-app-contacts-ips.migration.js';
import { IdempotencyClaims1763802100000 } from './migrations/1763802100000-idempotency-claims.migration.js';
import { CreateCapabilityRegistry1763801500000 } from './migrations/1763801500000-create-capability-registry.migration.js';
import { CapabilityVersion } from './registry/capability-version.entity.js';
import { CreateAsyncCalls1763801400000 } from './migrations/1763801400000-create-async-calls.migration.js';
import { AsyncCall } from './async/async-call.entity.js';
import { CreateIdempotencyRecords1763801300000 } from './migrations/1763801300000-create-idempotency-records.migration.js';
import { IdempotencyRecord } from './invoke/idempotency-record.entity.js';
import { CreateCallAudit1763801200000 } from './migrations/1763801200000-create-call-audit.migration.js';
import { CallAuditChain, CallAuditEntry } from './audit/call-audit.entities.js';
import { RateLimits1763801100000 } from './migrations/1763801100000-rate-limits.migration.js';
import { AppSignatures1763801000000 } from './migrations/1763801000000-app-signatures.migration.js';
import { CreateCapabilityGrants1763800900000 } from './migrations/1763800900000-create-capability-grants.migration.js';
import { LegalBases1763802200000 } from './migrations/1763802200000-legal-bases.migration.js';
import { AsyncCallOwner1763802300000 } from './migrations/1763802300000-async-call-owner.migration.js';
import { LegalBasis } from './legal-bases/legal-basis.entity.js';

export const serviceDispatchService: ServiceDefinition = {
  name: 'service-dispatch',
  title: '服务调度 (service dispatch)',
  schema: 'dispatch',
  defaultPort: 3000,
  feature: ServiceDispatchModule,
  config: [DispatchConfig],
  entities: [
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
    OutboxRecord,
    ProcessedMessage,
  ],
  migrations: [
    ...MESSAGING_MIGRATIONS,
    CreateBusinessApp1763800300000,
    CreateCapabilityGrants1763800900000,
    AppSignatures1763801000000,
    RateLimits1763801100000,
    CreateCallAudit1763801200000,
    CreateIdempotencyRecords1763801300000,
    CreateAsyncCalls1763801400000,
    CreateCapabilityRegistry1763801500000,
    CreateUpstreams1763801600000,
    GuardCallAuditChains1763801700000,
    CreateComposites1763801800000,
    UpstreamOauth1763801900000,
    AppContactsIps1763802000000,
    IdempotencyClaims1763802100000,
    LegalBases1763802200000,
    AsyncCallOwner1763802300000,
  ],
  requests: [...new Set(CAPABILITIES.map((c) => c.topic))],
  // JSON bodies are kept as received too: the platform's signature scheme covers the body's bytes.
  rawBody: true,
  // Composite definitions may come as YAML (the controller parses the text).
  configureHttp: (fastify) => {
    fastify.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml'], { parseAs: 'string' }, (_request, body, done) =>
      done(null, body),
    );
  },
  publishes: [],
  consumes: [Topic.CapabilitiesAnnounced],
};
