import type { DynamicModule, Type } from '@nestjs/common';
import type { Topic } from '@gmp/contracts';
import type { DataSourceOptions } from 'typeorm';
import type { FastifyInstance } from 'fastify';
import type { ConfigSection, LoadedConfig } from './service-config.js';

/** What makes one of the four services: its schema, its feature module and its wire. */
export interface ServiceDefinition {
  /** e.g. `service-dispatch`; also the Kafka client id and consumer group. */
  name: string;
  /** Chinese title with English, shown in logs and OpenAPI. */
  title: string;
  /** PostgreSQL schema the service owns; nobody else reads it. */
  schema: string;
  defaultPort: number;
  feature: Type<unknown> | DynamicModule;
  /**
   * The configuration sections of its capabilities (e.g. `DispatchConfig`, `NotificationConfig`),
   * validated with the shared `ServiceConfig` at start and injectable by their class.
   */
  config?: readonly ConfigSection[];
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: NonNullable<DataSourceOptions['migrations']>;
  /** Request-reply topics it calls. */
  requests: Topic[];
  /** Topics it publishes events to (through its outbox). */
  publishes: Topic[];
  /** Topics its @MessagePattern / @EventPattern handlers consume. */
  consumes: Topic[];
  /** Extra HTTP set-up before the app starts (e.g. a body parser for file uploads with its own size limit). */
  configureHttp?: (fastify: FastifyInstance, config: LoadedConfig) => void;
  /** Keep each JSON body's bytes as received on `request.rawBody` (for signatures over the body). */
  rawBody?: boolean;
}
