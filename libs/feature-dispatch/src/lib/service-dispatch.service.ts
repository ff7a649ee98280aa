import { CAPABILITIES } from '@gmp/contracts';
import { CreateMessagingTables1763800000000, OutboxRecord, ProcessedMessage } from '@gmp/messaging';
import type { ServiceDefinition } from '@gmp/service-kit';
import { BusinessApp } from './apps/business-app.entity.js';
import { CreateBusinessApp1763800300000 } from './migrations/1763800300000-create-business-app.migration.js';
import { ServiceDispatchModule } from './service-dispatch.module.js';

export const serviceDispatchService: ServiceDefinition = {
  name: 'service-dispatch',
  title: '服务调度 (service dispatch)',
  schema: 'dispatch',
  defaultPort: 3000,
  feature: ServiceDispatchModule,
  entities: [BusinessApp, OutboxRecord, ProcessedMessage],
  migrations: [CreateMessagingTables1763800000000, CreateBusinessApp1763800300000],
  requests: [...new Set(CAPABILITIES.map((c) => c.topic))],
  publishes: [],
  consumes: [],
};
