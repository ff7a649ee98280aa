import 'reflect-metadata';
import { type DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createServerStrategy, MessagingModule, type MessagingOptions, OutboxService, prepareTransport } from '@gmp/messaging';
import {
  contextFromCaller,
  correlationIdFrom,
  JsonLogger,
  openSpan,
  runWithContext,
  type Span,
  SpanKind,
  SpanStatusCode,
  startTracing,
  stopTracing,
  withSpan,
} from '@gmp/observability';
import { dataSourceOptions, openDataSource } from './database.js';
import { HealthController } from './health.controller.js';
import { jsonBodyParser, refuseUnstorableUrlParts } from './json-body.parser.js';
import { guardsByOperationId, SECURITY_SCHEMES, withSecurity } from './openapi-security.js';
import { PLATFORM_VERSION, SERVICE_INDEX, ServiceIndexController } from './service-index.controller.js';
import { ProblemDetailsFilter } from './problem-details.filter.js';
import { ConfigError, type LoadedConfig, loadConfiguration, ServiceConfig } from './service-config.js';
import { CRYPTO_PROVIDER, cryptoProviderOf } from './crypto.js';
import type { ServiceDefinition } from './service-definition.js';
import { ContractBodyPipe } from './contract-body.pipe.js';
import { MetricsController, PlatformMetrics } from './platform-metrics.js';
import { withBodySchemas } from './openapi-body-schemas.js';
import { StartupGate } from './startup.gate.js';
import { startupDependencies } from './startup-dependencies.js';

export interface RunningService {
  definition: ServiceDefinition;
  app: NestFastifyApplication;
  config: ServiceConfig;
  /** Base URL of the HTTP API. */
  url: string;
  logger: JsonLogger;
  /** Graceful stop: stop consuming and accepting, finish in-flight work, flush the outbox, close the database. */
  close(): Promise<void>;
}

@Global()
@Module({})
class ServiceConfigModule {
  static forRoot(loaded: LoadedConfig, metrics: PlatformMetrics): DynamicModule {
    const sections = loaded.entries().map(([type, value]) => ({ provide: type, useValue: value }));
    return {
      module: ServiceConfigModule,
      providers: [
        { provide: ServiceConfig, useValue: loaded.base },
        { provide: CRYPTO_PROVIDER, useValue: cryptoProviderOf(loaded.base) },
        { provide: PlatformMetrics, useValue: metrics },
        ...sections,
      ],
      exports: [ServiceConfig, CRYPTO_PROVIDER, PlatformMetrics, ...sections.map((s) => s.provide)],
    };
  }
}

@Module({})
class ServiceRootModule {}

function rootModule(def: ServiceDefinition, loaded: LoadedConfig, messaging: MessagingOptions, metrics: PlatformMetrics): DynamicModule {
  const config = loaded.base;
  return {
    module: ServiceRootModule,
    providers: [{ provide: SERVICE_INDEX, useValue: { name: def.name, title: def.title, version: PLATFORM_VERSION } }],
    imports: [
      ServiceConfigModule.forRoot(loaded, metrics),
      TypeOrmModule.forRootAsync({
        useFactory: () => ({ ...dataSourceOptions(def, config), retryAttempts: 2, retryDelay: 1000 }),
        dataSourceFactory: (options) => openDataSource(options!, config.DB_MIGRATE_ON_START ? 'migrate' : 'require-migrated'),
      }),
      MessagingModule.forRoot(messaging),
      TerminusModule,
      def.feature,
    ],
    controllers: [HealthController, ServiceIndexController, MetricsController],
  };
}

export function messagingOptionsOf(def: ServiceDefinition, config: ServiceConfig): MessagingOptions {
  return {
    transport: config.TRANSPORT,
    service: def.name,
    brokers: config.KAFKA_BROKERS ? config.KAFKA_BROKERS.split(',') : [],
    partitions: config.KAFKA_PARTITIONS,
    replicationFactor: config.KAFKA_REPLICATION_FACTOR,
    requests: def.requests,
    publishes: def.publishes,
    consumes: def.consumes,
    consumerConcurrency: config.KAFKA_CONSUMER_CONCURRENCY,
    fetch: { minBytes: config.KAFKA_FETCH_MIN_BYTES, maxWaitTimeInMs: config.KAFKA_FETCH_MAX_WAIT_MS },
    outboxPollMs: config.OUTBOX_POLL_MS,
    outboxLeaseSeconds: config.OUTBOX_LEASE_SECONDS,
    outboxLingerMs: config.OUTBOX_LINGER_MS,
    outboxUnhealthyAfterMs: config.OUTBOX_UNHEALTHY_AFTER_MS,
  };
}

/** The service's validated configuration, and its definition with the schema DB_SCHEMA names (if any). */
function configured(definition: ServiceDefinition, env: Record<string, string | undefined>) {
  const loaded = loadConfiguration(env, { defaults: { PORT: definition.defaultPort }, sections: definition.config ?? [] });
  const config = loaded.base;
  return { loaded, config, def: config.DB_SCHEMA ? { ...definition, schema: config.DB_SCHEMA } : definition };
}

/** Starts one service: config check, schema + migrations, transport, handlers, HTTP. */
export async function startService(
  definition: ServiceDefinition,
  env: Record<string, string | undefined> = process.env,
): Promise<RunningService> {
  const { loaded, config, def } = configured(definition, env);
  // Before the database driver loads, so that its queries are spans too.
  await startTracing(def.name, env);
  const logger = new JsonLogger(def.name, config.LOG_LEVEL);
  const metrics = new PlatformMetrics(def.name);
  const messaging = { ...messagingOptionsOf(def, config), metrics };
  // Started with everything else at once (Kubernetes), it holds its port and waits for its
  // database, its migrations and its broker with backoff — liveness green, readiness red — instead
  // of exiting; the gate answers until the application's own server takes the port.
  const gate = await StartupGate.open(config.HOST, config.PORT, logger);
  try {
    await gate.waitFor(startupDependencies(def, config, messaging), { maxWaitMs: config.STARTUP_WAIT_SECONDS * 1000 });
  } catch (err) {
    await gate.close();
    throw err;
  }

  const trustProxy =
    config.TRUST_PROXY === undefined
      ? false
      : /^\d+$/.test(config.TRUST_PROXY)
        ? Number(config.TRUST_PROXY)
        : config.TRUST_PROXY.split(',');
  // Fastify takes a hop count too; Nest's adapter type omits it.
  const adapter = new FastifyAdapter({ bodyLimit: config.HTTP_BODY_LIMIT, trustProxy: trustProxy as boolean | string[] });
  def.configureHttp?.(adapter.getInstance() as never, loaded);
  // NUL in a query value or path parameter: 400, before any handler hands it to PostgreSQL.
  refuseUnstorableUrlParts(adapter.getInstance() as never);
  // Every request runs in a context carrying its correlation id (taken from the caller when
  // well-formed) and, when tracing, in a server span continuing the caller's trace (`traceparent`).
  const spans = new WeakMap<object, Span>();
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    const correlationId = correlationIdFrom(request.headers['x-correlation-id']);
    void reply.header('x-correlation-id', correlationId);
    const parent = contextFromCaller(request.headers);
    const route = request.routeOptions?.url ?? '(unmatched)';
    const span = openSpan(
      `${request.method} ${route}`,
      SpanKind.SERVER,
      { 'http.request.method': request.method, 'http.route': route, 'gmp.correlation_id': correlationId },
      parent,
    );
    spans.set(request, span);
    withSpan(span, parent, () => runWithContext({ correlationId }, done));
  });
  // A request the client gave up on before its answer: its span ends too.
  adapter.getInstance().addHook('onRequestAbort', (request, done) => {
    const span = spans.get(request);
    if (span) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'client aborted' });
      span.end();
      spans.delete(request);
    }
    done();
  });
  // Every answered request, by its route's pattern (an unmatched path is one series, not one per path).
  adapter.getInstance().addHook('onResponse', (request, reply, done) => {
    metrics.observeHttp(request.method, request.routeOptions?.url ?? '(unmatched)', reply.statusCode, reply.elapsedTime / 1000);
    const span = spans.get(request);
    if (span) {
      spans.delete(request);
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });

  // Opening the database (and migrating) happen here: a failure frees the gate's port too.
  const app = await NestFactory.create<NestFastifyApplication>(rootModule(def, loaded, messaging, metrics), adapter, {
    logger,
    abortOnError: false,
    rawBody: def.rawBody ?? false,
  }).catch(async (err: unknown) => {
    await gate.close();
    throw err;
  });
  app.useGlobalFilters(new ProblemDetailsFilter());
  const outbox = app.get(OutboxService);
  // One query per scrape for both series: the first gauge (collected first) reads it, the second takes the same answer.
  let backlog: Promise<{ events: number; oldestSeconds: number }> | null = null;
  metrics.gauge(
    'gmp_outbox_backlog_events',
    'Events accepted and not yet relayed (per schema: every instance reports the same)',
    [],
    async (set) => set({}, (await (backlog = outbox.backlog())).events),
  );
  metrics.gauge('gmp_outbox_oldest_event_seconds', 'Age of the oldest event not yet relayed (0 when none)', [], async (set) =>
    set({}, (await (backlog ?? outbox.backlog())).oldestSeconds),
  );
  // JSON bodies: nesting bounded before parsing, prototype keys refused, NUL and lone surrogates
  // refused (json-body.parser.ts); the bytes stay on request.rawBody when the service keeps them.
  app.useBodyParser('application/json', { bodyLimit: config.HTTP_BODY_LIMIT }, jsonBodyParser(config.HTTP_JSON_MAX_DEPTH));
  // Security schemes (internal token, app credentials, bearer tokens) from each route's guards and path.
  const document = withSecurity(
    withBodySchemas(
      SwaggerModule.createDocument(
        app,
        new DocumentBuilder()
          .setTitle(def.title)
          .setDescription(`${def.name} — 政务中台 (digital-government middle platform)`)
          .setVersion(PLATFORM_VERSION)
          .addSecurity('internalToken', SECURITY_SCHEMES.internalToken)
          .addSecurity('app', SECURITY_SCHEMES.app)
          .addSecurity('bearer', SECURITY_SCHEMES.bearer)
          .build(),
      ),
    ),
    guardsByOperationId(app),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });

  app.connectMicroservice(createServerStrategy(messaging), { inheritAppConfig: true });
  // Typed bodies (`@Body() input: SomeBody`) checked against their class before the handler runs.
  // Installed after the Kafka side has made its handlers (it reads the global pipes then), so it
  // applies to HTTP routes only: Kafka payloads are checked against their contracts by the
  // transport, and Nest would take a @Payload() for a body.
  app.useGlobalPipes(new ContractBodyPipe());
  try {
    await app.startAllMicroservices();
    // The gate has answered the probes until now: the application's server takes the port.
    await gate.close();
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (err) {
    // Do not leave consumers running in a process that failed to start.
    await gate.close();
    await app.close().catch(() => undefined);
    throw err;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://127.0.0.1:${port}`;
  logger.log(`${def.title} 已启动 (started) on ${url} — transport ${config.TRANSPORT}, schema ${def.schema}`, 'Bootstrap');

  let closing: Promise<void> | null = null;
  return {
    definition: def,
    app,
    config,
    url,
    logger,
    close: () =>
      (closing ??= (async () => {
        logger.log(`${def.name} 正在停止 (stopping)`, 'Bootstrap');
        // First stop consuming (the in-flight batch finishes), then the application hooks run
        // (the outbox's last flush), then HTTP and the database close.
        for (const microservice of app.getMicroservices()) await microservice.close();
        await app.close();
        logger.flush();
      })()),
  };
}

/** One-shot tasks a service's main runs instead of serving (`node main.js migrate topics`): deploy jobs. */
export const SERVICE_TASKS = ['migrate', 'topics'] as const;
export type ServiceTask = (typeof SERVICE_TASKS)[number];

/**
 * Runs one-shot tasks with the service's own configuration, then returns what each did:
 * `migrate` creates the schema and applies pending migrations (the service then starts with
 * DB_MIGRATE_ON_START=false); `topics` creates the service's topics and waits until every
 * partition is led. Deploy tools run them as jobs before the services (deploy/compose,
 * deploy/k8s), so two instances never migrate at once and nothing waits on a topic.
 */
export async function runServiceTasks(
  definition: ServiceDefinition,
  tasks: readonly ServiceTask[],
  env: Record<string, string | undefined> = process.env,
): Promise<string[]> {
  const { config, def } = configured(definition, env);
  const done: string[] = [];
  for (const task of tasks) {
    if (task === 'migrate') {
      const dataSource = await openDataSource(dataSourceOptions(def, config), 'as-is');
      try {
        const applied = await dataSource.runMigrations({ transaction: 'each' });
        done.push(
          `migrate: schema ${def.schema}, ${applied.length} applied${applied.length ? ` (${applied.map((m) => m.name).join(', ')})` : ''}`,
        );
      } finally {
        await dataSource.destroy();
      }
    } else {
      const messaging = messagingOptionsOf(def, config);
      if (messaging.transport !== 'kafka') throw new ConfigError(['topics: TRANSPORT 不是 kafka (TRANSPORT is not kafka)']);
      await prepareTransport(messaging);
      done.push(`topics: ${def.name}'s topics exist and every partition is led`);
    }
  }
  return done;
}

/**
 * `main.ts` of a cluster-mode service: start, stop gracefully on SIGTERM/SIGINT, exit 1 on bad
 * config. With arguments (`main.js migrate topics`) it runs those one-shot tasks and exits.
 */
export async function runServiceMain(def: ServiceDefinition, argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  if (argv.length > 0) {
    const unknown = argv.filter((a) => !(SERVICE_TASKS as readonly string[]).includes(a));
    if (unknown.length > 0) {
      process.stderr.write(`${def.name}: 未知任务 (unknown task) ${unknown.join(' ')} — 可用 (tasks): ${SERVICE_TASKS.join(', ')}\n`);
      process.exit(2);
    }
    try {
      for (const line of await runServiceTasks(def, argv as ServiceTask[])) process.stdout.write(`${def.name}: ${line}\n`);
      process.exit(0);
    } catch (err) {
      process.stderr.write(
        err instanceof ConfigError
          ? `${def.name}: ${err.message}\n请对照 .env.example 检查环境变量 (see the app's .env.example)\n`
          : `${def.name}: 任务失败 (task failed): ${(err as Error)?.stack ?? err}\n`,
      );
      process.exit(1);
    }
  }
  let service: RunningService;
  // Stopped while it still waits for its dependencies (nothing is running yet): it leaves at once.
  const whileStarting = (signal: string) => {
    process.stderr.write(`${def.name}: 启动期间收到 ${signal}，退出 (stopped while starting)\n`);
    process.exit(0);
  };
  process.once('SIGTERM', whileStarting);
  process.once('SIGINT', whileStarting);
  try {
    service = await startService(def);
    process.removeListener('SIGTERM', whileStarting);
    process.removeListener('SIGINT', whileStarting);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${def.name}: ${err.message}\n请对照 .env.example 检查环境变量 (see the app's .env.example)\n`);
    } else {
      process.stderr.write(`${def.name}: 启动失败 (failed to start): ${(err as Error)?.stack ?? err}\n`);
    }
    process.exit(1);
  }
  const stop = (signal: string) => {
    new Logger('Bootstrap').log(`收到 ${signal}，优雅停止 (graceful stop)`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    // The spans still buffered are exported before the process ends.
    service
      .close()
      .then(() => stopTracing())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
