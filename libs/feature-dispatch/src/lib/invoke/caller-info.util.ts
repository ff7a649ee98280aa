import type { AppRequest } from '../apps/app-credentials.guard.js';
import type { CallerInfo } from './capability-invoker.service.js';

/** Purposes and legal bases are often Chinese: accepted percent-encoded in their headers. */
export function decodeHeader(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/**
 * Who and why of a call, from the authenticated app and the request's headers (X-End-User,
 * X-Purpose, X-Legal-Basis, X-Case-Id, X-Capability-Version, Idempotency-Key). The signed-in
 * user of a user token wins over X-End-User.
 */
export function callerOf(request: AppRequest): CallerInfo {
  const h = request.headers;
  const [endUser, purpose, legalBasis, caseId, version, idempotencyKey] = ['x-end-user', 'x-purpose', 'x-legal-basis', 'x-case-id', 'x-capability-version', 'idempotency-key'].map((n) => one(h[n]));
  return {
    appKey: request.app!.appKey,
    limits: request.app!.limits,
    endUser: request.tokenEndUser ?? endUser,
    endUserAuthenticated: request.tokenEndUser !== undefined,
    purpose: purpose && decodeHeader(purpose),
    legalBasis: legalBasis && decodeHeader(legalBasis),
    caseId,
    ...(version !== undefined ? { version } : {}),
    ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
  };
}
