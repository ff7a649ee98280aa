import { createServer, type Server } from 'node:http';
import type { LoggerService } from '@nestjs/common';

/** One thing a service needs before it can start: how to check it, and what to say while it is missing. */
export interface StartupDependency {
  /** As readiness names it: `database`, `kafka`. */
  name: string;
  /** Resolves once the dependency is usable; throws (with a message an operator can act on) while it is not. */
  check(): Promise<void>;
}

export interface StartupGateOptions {
  host: string;
  port: number;
  logger: LoggerService;
  /** Give up (throw) after this long; 0 waits without limit, readiness red meanwhile. */
  maxWaitMs: number;
  /** First pause between attempts; doubles up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Before a service starts, waits for what it cannot start without (its database reachable and
 * migrated, its Kafka broker answering with its topics), with backoff and without exiting, while
 * its port already answers the probes: liveness 200 (the process is fine; restarting it would not
 * help), readiness 503 naming what it waits for. Pods that all start at once (Kubernetes), a
 * broker that comes up after the services, or a migration job still running then only delay the
 * start. Closes its port just before the service opens it.
 */
export async function waitForDependencies(dependencies: StartupDependency[], options: StartupGateOptions): Promise<void> {
  const waiting = new Map<string, string>(dependencies.map((d) => [d.name, '尚未检查 (not checked yet)']));
  const server = await openProbeServer(options.host, options.port, waiting);
  const started = Date.now();
  const maxDelayMs = options.maxDelayMs ?? 15_000;
  try {
    for (const dependency of dependencies) {
      let delay = options.firstDelayMs ?? 500;
      for (let attempt = 1; ; attempt++) {
        try {
          await dependency.check();
          waiting.delete(dependency.name);
          if (attempt > 1) options.logger.log(`${dependency.name} 已可用 (available) after ${attempt} attempts`, 'Startup');
          break;
        } catch (err) {
          const message = (err as Error)?.message ?? String(err);
          waiting.set(dependency.name, message);
          const waited = Date.now() - started;
          if (options.maxWaitMs > 0 && waited + delay > options.maxWaitMs)
            throw new Error(
              `等待 ${dependency.name} 超时 (gave up waiting for ${dependency.name} after ${Math.round(waited / 1000)} s): ${message}`,
              {
                cause: err,
              },
            );
          options.logger.warn(
            `等待 ${dependency.name} (waiting for ${dependency.name}), attempt ${attempt}, next in ${Math.round(delay / 1000)} s: ${message}`,
            'Startup',
          );
          await new Promise((r) => setTimeout(r, delay));
          delay = Math.min(delay * 2, maxDelayMs);
        }
      }
    }
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Answers the probes while the service waits: liveness 200, everything else 503 with terminus' readiness shape. */
async function openProbeServer(host: string, port: number, waiting: ReadonlyMap<string, string>): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path === '/health/live') {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify({ status: 'ok' }));
      return;
    }
    const error = Object.fromEntries([...waiting].map(([name, message]) => [name, { status: 'down', message }]));
    response.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '5', connection: 'close' });
    response.end(
      JSON.stringify({
        status: 'error',
        message: `服务启动中，等待依赖 (service starting, waiting for): ${[...waiting.keys()].join(', ')}`,
        info: {},
        error,
        details: error,
      }),
    );
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => resolve());
  });
  return server;
}
