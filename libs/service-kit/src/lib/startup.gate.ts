import { createServer, type Server } from 'node:http';
import type { LoggerService } from '@nestjs/common';

/** One thing a service needs before it can start: how to check it. */
export interface StartupDependency {
  /** As readiness names it: `database`, `kafka`. */
  name: string;
  /**
   * Resolves once the dependency is usable; throws while it is not (the message is logged, not
   * shown on the port), or throws a `PermanentStartupError` for what waiting cannot mend (a wrong
   * password, a missing database): the service then stops at once.
   */
  check(): Promise<void>;
}

/** A dependency's answer that no wait will change: configuration or permissions to fix. */
export class PermanentStartupError extends Error {}

export interface StartupWaitOptions {
  /** Give up (throw) after this long, checks in progress included; 0 waits without limit. */
  maxWaitMs: number;
  /** First pause between attempts; doubles up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Holds a starting service's port from the first moment: liveness 200 (the process is fine;
 * restarting it would not help), readiness and every other path 503 naming what it still waits for
 * (names only: the reasons, which may name hosts and schemas, go to the log). The service waits
 * (`waitFor`) for what it cannot start without — its database reachable and migrated, its broker
 * with its topics — with backoff and without exiting, then starts its application and closes the
 * gate just before its own server takes the port. Pods that all start at once (Kubernetes), a
 * broker that comes up after the services, or a migration job still running only delay the start.
 */
export class StartupGate {
  private readonly waiting = new Map<string, string>();
  private stage = '等待依赖 (waiting for dependencies)';

  private constructor(
    private readonly server: Server,
    private readonly logger: LoggerService,
  ) {}

  static async open(host: string, port: number, logger: LoggerService): Promise<StartupGate> {
    let gate: StartupGate | null = null;
    const server = createServer((request, response) => gate!.answer(request.url ?? '', response));
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port }, () => resolve());
    });
    gate = new StartupGate(server, logger);
    return gate;
  }

  /** The port the gate holds (the service's, or the one the system chose for port 0). */
  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  async waitFor(dependencies: StartupDependency[], options: StartupWaitOptions): Promise<void> {
    for (const d of dependencies) this.waiting.set(d.name, 'not checked yet');
    const started = Date.now();
    const maxDelayMs = options.maxDelayMs ?? 15_000;
    const left = () => (options.maxWaitMs > 0 ? options.maxWaitMs - (Date.now() - started) : Infinity);
    for (const dependency of dependencies) {
      let delay = options.firstDelayMs ?? 500;
      for (let attempt = 1; ; attempt++) {
        try {
          await withinBudget(dependency.check(), left(), dependency.name);
          this.waiting.delete(dependency.name);
          if (attempt > 1) this.logger.log(`${dependency.name} 已可用 (available) after ${attempt} attempts`, 'Startup');
          break;
        } catch (err) {
          const message = (err as Error)?.message ?? String(err);
          this.waiting.set(dependency.name, message);
          if (err instanceof PermanentStartupError) throw err;
          if (left() < delay)
            throw new Error(
              `等待 ${dependency.name} 超时 (gave up waiting for ${dependency.name} after ${Math.round((Date.now() - started) / 1000)} s): ${message}`,
              { cause: err },
            );
          this.logger.warn(
            `等待 ${dependency.name} (waiting for ${dependency.name}), attempt ${attempt}, next in ${Math.round(delay / 1000)} s: ${message}`,
            'Startup',
          );
          await new Promise((r) => setTimeout(r, delay));
          delay = Math.min(delay * 2, maxDelayMs);
        }
      }
    }
    this.stage = '服务启动中 (service starting)';
    this.waiting.set('application', 'starting');
  }

  /** Frees the port (just before the service's own server listens on it). */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(url: string, response: import('node:http').ServerResponse): void {
    if (url.split('?')[0] === '/health/live') {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify({ status: 'ok' }));
      return;
    }
    const error = Object.fromEntries([...this.waiting.keys()].map((name) => [name, { status: 'down' }]));
    response.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '5', connection: 'close' });
    response.end(
      JSON.stringify({
        status: 'error',
        message: `${this.stage}: ${[...this.waiting.keys()].join(', ')}`,
        info: {},
        error,
        details: error,
      }),
    );
  }
}

/** `check`, or a timeout error once `budgetMs` has passed (the check itself is left to finish). */
async function withinBudget(check: Promise<void>, budgetMs: number, name: string): Promise<void> {
  if (!Number.isFinite(budgetMs)) return check;
  // A check still running when the budget is spent may fail later: that is not an unhandled rejection.
  check.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${name} 检查超时 (check did not finish in time)`)), Math.max(0, budgetMs));
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
