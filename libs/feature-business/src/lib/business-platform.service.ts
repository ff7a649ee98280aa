import { CreateMessagingTables1763800000000, OutboxRecord, ProcessedMessage } from '@gmp/messaging';
import type { ServiceDefinition } from '@gmp/service-kit';
import { BusinessPlatformModule } from './business-platform.module.js';

export const businessPlatformService: ServiceDefinition = {
  name: 'business-platform',
  title: '业务中台 (business middle platform)',
  schema: 'business',
  defaultPort: 3003,
  feature: BusinessPlatformModule,
  entities: [OutboxRecord, ProcessedMessage],
  migrations: [CreateMessagingTables1763800000000],
  requests: [],
  publishes: [],
  consumes: [],
};
