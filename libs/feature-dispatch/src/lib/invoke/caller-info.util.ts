import { headerValue, invalidHeader } from '@gmp/service-kit';
import type { AppRequest } from '../apps/app-credentials.guard.js';
import { LEGAL_BASIS_CODE } from '../legal-bases/legal-basis.entity.js';

/**
 * A capability call's body: a JSON object, checked by the invoker against the contract of the
 * capability named in the path (its JSON Schema in the registry) — not known before the route.
 */
export type CapabilityInput = Record<string, unknown>;
import type { CallerInfo } from './capability-invoker.service.js';

const WHO_AND_WHY = ['x-end-user', 'x-purpose', 'x-legal-basis', 'x-case-id', 'x-capability-version', 'idempotency-key'];

/**
 * Who and why of a call, from the authenticated app and the request's headers (X-End-User,
 * X-Purpose, X-Legal-Basis, X-Case-Id, X-Capability-Version, Idempotency-Key), each checked at
 * the edge. X-Legal-Basis is a registered legal-basis code (the invoker checks that the app was
 * granted it). The signed-in user of a user token wins over X-End-User.
 */
export function callerOf(request: AppRequest): CallerInfo {
  const h = request.headers;
  // Node joins a repeated X-* header into "a, b": count the raw occurrences instead.
  const raw = request.raw?.rawHeaders ?? [];
  for (const name of WHO_AND_WHY) {
    let n = 0;
    for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) n++;
    if (n > 1)
      throw invalidHeader(
        name.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase()),
        '只能出现一次 (must appear once)',
      );
  }
  const endUser = headerValue(h['x-end-user'], 'X-End-User', { max: 128 });
  const purpose = headerValue(h['x-purpose'], 'X-Purpose', { decode: true, max: 256 });
  const legalBasis = headerValue(h['x-legal-basis'], 'X-Legal-Basis', { max: 64 });
  if (legalBasis !== undefined && !LEGAL_BASIS_CODE.test(legalBasis)) {
    throw invalidHeader(
      'X-Legal-Basis',
      '须为已登记的法定依据编码，如 demo.gov-data-sharing，见 GET /v1/legal-bases (must be a registered legal-basis code)',
    );
  }
  const caseId = headerValue(h['x-case-id'], 'X-Case-Id', { max: 64 });
  const version = headerValue(h['x-capability-version'], 'X-Capability-Version', { max: 16 });
  const idempotencyKey = headerValue(h['idempotency-key'], 'Idempotency-Key', { max: 256 });
  return {
    appKey: request.app!.appKey,
    limits: request.app!.limits,
    endUser: request.tokenEndUser ?? endUser,
    endUserAuthenticated: request.tokenEndUser !== undefined,
    purpose,
    legalBasis,
    caseId,
    ...(version !== undefined ? { version } : {}),
    ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
  };
}
