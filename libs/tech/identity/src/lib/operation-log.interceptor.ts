import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import type { Principal } from '@gmp/identity';
import type { FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { OperationLogService } from './operation-log.service.js';

const OPERATION = 'gmp:operation';

interface Operation {
  action: string;
  /** The route parameter naming what the action is done to. */
  targetParam?: string;
}

/**
 * Logs the route as an administrative operation (操作日志): who, what, on what, and how it ended
 * — refusals of its body or parameters included, since interceptors wrap the pipes.
 */
export function LogOperation(action: string, targetParam?: string) {
  return applyDecorators(SetMetadata(OPERATION, { action, targetParam } satisfies Operation), UseInterceptors(OperationLogInterceptor));
}

@Injectable()
export class OperationLogInterceptor implements NestInterceptor {
  constructor(private readonly log: OperationLogService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const operation: Operation = Reflect.getMetadata(OPERATION, context.getHandler());
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal: Principal }>();
    // Identifiers as the route's pipes normalise them (lower case).
    const target = operation.targetParam
      ? ((request.params as Record<string, string | undefined>)[operation.targetParam]?.toLowerCase() ?? null)
      : null;
    return from(
      this.log.record(request.principal, request.ip, operation.action, target, () =>
        lastValueFrom(next.handle(), { defaultValue: undefined }),
      ),
    );
  }
}
