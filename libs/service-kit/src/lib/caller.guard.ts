import {
  applyDecorators,
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Injectable,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CommonProblem } from './problem.js';

const CALLER_RULE = 'gmp:caller-rule';
const DEFAULT_PATTERN = /^[A-Za-z0-9._:@-]{1,64}$/;

interface CallerRule {
  pattern: RegExp;
  detail: string;
}

/**
 * The route needs `X-Caller` — who acts (operator, approver, calling service) — checked by a
 * guard, so a request without it is refused with 400 CALLER_REQUIRED before its body is read
 * (guards run before pipes). The handler takes the checked value with `@Caller()`.
 */
export function RequireCaller(who = '操作人 (operator)', o: { pattern?: RegExp; detail?: string } = {}) {
  const pattern = o.pattern ?? DEFAULT_PATTERN;
  const detail =
    o.detail ??
    `X-Caller 须写明${who.replace(/ \(.*\)$/, '')} (X-Caller: 1–64 of ${pattern.source.replace(/^\^|\{1,64\}\$$/g, '')}, naming who acts).`;
  return applyDecorators(SetMetadata(CALLER_RULE, { pattern, detail } satisfies CallerRule), UseGuards(CallerRequiredGuard));
}

/** `X-Caller` naming the calling service (internal service-to-service routes: no `@`, as in the ids other services log). */
export function RequireServiceCaller() {
  return RequireCaller('调用方 (calling service)', {
    pattern: /^[A-Za-z0-9._:-]{1,64}$/,
    detail: '须在 X-Caller 头中说明调用方 (name the caller in X-Caller)',
  });
}

@Injectable()
export class CallerRequiredGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const rule: CallerRule | undefined =
      Reflect.getMetadata(CALLER_RULE, context.getHandler()) ?? Reflect.getMetadata(CALLER_RULE, context.getClass());
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers['x-caller'];
    if (typeof header !== 'string' || !(rule?.pattern ?? DEFAULT_PATTERN).test(header)) throw CommonProblem.CALLER_REQUIRED(rule?.detail);
    return true;
  }
}

/** The `X-Caller` a `@RequireCaller` guard has checked. */
export const Caller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string => context.switchToHttp().getRequest<FastifyRequest>().headers['x-caller'] as string,
);
