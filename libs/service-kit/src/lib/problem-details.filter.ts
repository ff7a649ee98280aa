import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { type Observable, throwError } from 'rxjs';
import { type CapabilityError, isCapabilityError } from '@gmp/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { currentContext } from '@gmp/observability';
import { type ProblemDetails, ProblemException, problemType } from './problem.js';

const TITLES: Record<number, [string, string]> = {
  400: ['INVALID_REQUEST', '请求无效 (bad request)'],
  401: ['UNAUTHENTICATED', '未认证 (unauthenticated)'],
  403: ['FORBIDDEN', '无权访问 (forbidden)'],
  404: ['NOT_FOUND', '资源不存在 (not found)'],
  405: ['METHOD_NOT_ALLOWED', '方法不允许 (method not allowed)'],
  413: ['PAYLOAD_TOO_LARGE', '请求体过大 (payload too large)'],
  415: ['UNSUPPORTED_MEDIA_TYPE', '不支持的内容类型 (unsupported media type)'],
  429: ['TOO_MANY_REQUESTS', '请求过于频繁 (too many requests)'],
};

/**
 * Renders every error as RFC 9457 problem+json with a stable code and the correlation id.
 * Unknown errors become a 500 without internals, and are logged with their stack.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly log = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    if (host.getType() === 'rpc') {
      // The original error rides along, not serialised (a reply never carries internals): the Kafka
      // server still tells a database that is down (retry the batch) from a bad message (dead-letter it).
      const error = this.toCapabilityError(exception);
      Object.defineProperty(error, 'cause', { value: exception, enumerable: false, configurable: true });
      return throwError(() => error);
    }
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const problem = this.toProblem(exception);
    problem.instance = request.url;
    problem.correlationId = currentContext()?.correlationId ?? (request.headers['x-correlation-id'] as string | undefined);
    if (problem.status >= 500) this.log.error(safeDescription(exception), (exception as Error)?.stack);
    if (exception instanceof ProblemException)
      for (const [name, value] of Object.entries(exception.headers)) void reply.header(name, value);
    void reply.status(problem.status).header('content-type', 'application/problem+json; charset=utf-8').send(problem);
  }

  /** What a Kafka caller gets: the typed error a handler raised, never internals. */
  private toCapabilityError(exception: unknown): CapabilityError {
    if (exception instanceof RpcException) {
      const error = exception.getError();
      if (typeof error === 'object' && error !== null && 'code' in error && 'status' in error) return error as CapabilityError;
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      // A refusal by the handler (a ProblemException, say): keep its status and its words.
      const status = exception.getStatus();
      const body = exception.getResponse() as {
        title?: string;
        detail?: string;
        code?: string;
        errors?: { field: string; message: string }[];
      };
      const message =
        typeof body === 'object' && body?.title
          ? `${body.title}${body.detail ? `: ${body.detail}` : ''}${body.code ? ` [${body.code}]` : ''}`
          : exception.message;
      const code = status === 404 ? 'NOT_FOUND' : status === 403 ? 'FORBIDDEN' : status === 409 ? 'CONFLICT' : 'INVALID_MESSAGE';
      return {
        code,
        status,
        message,
        ...(body?.code ? { reason: body.code } : {}),
        ...(Array.isArray(body?.errors) ? { fields: body.errors } : {}),
      };
    }
    if (exception instanceof ProblemException && (exception.getStatus() === 502 || exception.getStatus() === 503)) {
      // A provider's own upstream failed (a problem of its vocabulary): the caller sees an unavailable or failing provider, with why.
      const status = exception.getStatus();
      const body = exception.getResponse() as ProblemDetails;
      return {
        code: status === 503 ? 'PROVIDER_UNAVAILABLE' : 'PROVIDER_ERROR',
        status,
        message: `${body.title}${body.detail ? `: ${body.detail}` : ''}`,
        reason: body.code,
      };
    }
    // The database refused a value of the request (SQLSTATE class 22): the caller's input, not a provider failure.
    if (isDataException(exception)) return { code: 'INVALID_MESSAGE', status: 400, message: UNSTORABLE, reason: 'INVALID_INPUT' };
    this.log.error(safeDescription(exception), (exception as Error)?.stack);
    return { code: 'PROVIDER_ERROR', status: 500, message: '能力提供方内部错误 (provider internal error)' };
  }

  private toProblem(exception: unknown): ProblemDetails {
    // A typed refusal of a service that also speaks Kafka, raised under HTTP: the same answer dispatch gives for it.
    if (exception instanceof RpcException) {
      const error = exception.getError();
      if (isCapabilityError(error) && error.status < 500) {
        const code = error.reason ?? error.code;
        return {
          type: problemType(code),
          title: error.message,
          status: error.status,
          code,
          ...(error.fields ? { errors: error.fields } : {}),
        };
      }
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      if (typeof body === 'object' && body !== null && 'code' in body && 'type' in body) return { ...(body as ProblemDetails) };
      // A failed health check (terminus): say what is down, not "internal error".
      if (typeof body === 'object' && body !== null && (body as { status?: unknown }).status === 'error' && 'details' in body) {
        const failed = (body as { error?: Record<string, { message?: string }> }).error ?? {};
        const detail = Object.entries(failed)
          .map(([k, v]) => `${k}: ${v?.message ?? 'down'}`)
          .join('; ');
        return {
          type: problemType('NOT_READY'),
          title: '服务未就绪 (not ready)',
          status,
          code: 'NOT_READY',
          detail,
          ...({ details: (body as { details: unknown }).details } as object),
        };
      }
      const [code, title] =
        TITLES[status] ?? (status >= 500 ? ['INTERNAL_ERROR', '服务器内部错误 (internal error)'] : ['ERROR', '请求失败 (request failed)']);
      const message = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : body;
      return { type: problemType(code), title, status, code, detail: Array.isArray(message) ? message.join('; ') : String(message ?? '') };
    }
    if (isDataException(exception)) return { type: problemType('INVALID_INPUT'), title: UNSTORABLE, status: 400, code: 'INVALID_INPUT' };
    // Errors raised by Fastify itself before Nest sees the request (body parsing, size limit).
    const fastifyError = exception as { statusCode?: number; code?: string; message?: string };
    if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      const status = fastifyError.statusCode;
      const [code, title] = TITLES[status] ?? ['INVALID_REQUEST', '请求无效 (bad request)'];
      return { type: problemType(code), title, status, code, detail: fastifyError.message };
    }
    return { type: problemType('INTERNAL_ERROR'), title: '服务器内部错误 (internal error)', status: 500, code: 'INTERNAL_ERROR' };
  }
}

const UNSTORABLE = '输入含无法存储的值 (the request holds a value that cannot be stored)';

/**
 * A PostgreSQL data exception (SQLSTATE class 22: invalid byte sequence, value out of range,
 * string too long, bad date …) raised by a request's value. The edge refuses such values first;
 * this keeps any that slip through a 400 — never a 5xx that counts against the provider.
 */
function isDataException(exception: unknown): boolean {
  const e = exception as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}

/** What is logged of an unexpected error: its class, code and message — never the query parameters (personal data). */
function safeDescription(exception: unknown): string {
  if (exception instanceof Error) {
    const code =
      (exception as { code?: unknown; driverError?: { code?: unknown } }).driverError?.code ?? (exception as { code?: unknown }).code;
    return `${exception.name}${code ? ` [${String(code)}]` : ''}: ${exception.message}`;
  }
  return typeof exception === 'string' ? exception : 'non-Error exception';
}
