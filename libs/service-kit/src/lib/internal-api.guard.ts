import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { CommonProblem } from './problem.js';
import { ServiceConfig } from './service-config.js';

/**
 * Guards the services' internal HTTP APIs with a shared token (X-Internal-Token) until the
 * identity service's tokens replace it. Without INTERNAL_API_TOKEN the internal APIs are off.
 */
@Injectable()
export class InternalApiGuard implements CanActivate {
  private readonly expected: Buffer | null;

  constructor(config: ServiceConfig) {
    this.expected = config.INTERNAL_API_TOKEN ? digest(config.INTERNAL_API_TOKEN) : null;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) {
      throw CommonProblem.INTERNAL_API_DISABLED('Set INTERNAL_API_TOKEN to enable it.');
    }
    const given = context.switchToHttp().getRequest<FastifyRequest>().headers['x-internal-token'];
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), this.expected)) {
      throw CommonProblem.UNAUTHENTICATED('内部接口需要 X-Internal-Token (X-Internal-Token required)');
    }
    return true;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
