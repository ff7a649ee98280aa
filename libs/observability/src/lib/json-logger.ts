import type { LoggerService, LogLevel } from '@nestjs/common';
import { pino, type Logger as PinoLogger } from 'pino';
import { currentContext } from './request-context.js';
import { currentTraceIds } from './tracing.js';

export type LogLevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * NestJS logger writing one JSON object per line (pino), each carrying the service name and
 * the correlation id / app / end user of the call being handled and, when tracing, its trace and span ids.
 */
export class JsonLogger implements LoggerService {
  readonly pino: PinoLogger;
  private readonly sink: pino.DestinationStream & { flushSync?: () => void };

  constructor(service: string, level: LogLevelName = 'info', destination?: pino.DestinationStream) {
    this.sink = destination ?? pino.destination({ dest: 1, sync: false });
    this.pino = pino(
      {
        level,
        base: { service },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        mixin() {
          const ctx = currentContext();
          const ids = currentTraceIds();
          return {
            ...(ctx ? { correlationId: ctx.correlationId, app: ctx.app, endUser: ctx.endUser } : {}),
            ...(ids ? { traceId: ids.traceId, spanId: ids.spanId } : {}),
          };
        },
      },
      this.sink,
    );
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }
  setLogLevels(_levels: LogLevel[]): void {
    /* level comes from LOG_LEVEL */
  }

  /** Writes out buffered lines synchronously (before the process exits). */
  flush(): void {
    try {
      if (this.sink.flushSync) this.sink.flushSync();
      else this.pino.flush();
    } catch {
      /* stdout closed */
    }
  }

  /** Nest passes (message, context) or (message, stack, context). */
  private write(level: LogLevelName, message: unknown, rest: unknown[]): void {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const stack = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
    const fields: Record<string, unknown> = { context };
    if (stack) fields['stack'] = stack;
    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.pino[level]({ ...fields, ...(message as object) });
    } else {
      this.pino[level](fields, String(message));
    }
  }
}
