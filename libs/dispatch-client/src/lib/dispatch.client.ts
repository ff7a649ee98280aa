import { randomBytes } from 'node:crypto';
import { signatureScheme, type SignatureSchemeName } from './signature-schemes.js';

/**
 * How the business line authenticates to dispatch: an AppKey and secret (Basic), a signed
 * request with the app's HMAC secret in its registered scheme (default `gmp-hmac-sm3`), or an
 * OAuth access token (or a function that returns a fresh one).
 */
export type DispatchCredentials =
  | { appKey: string; secret: string }
  | { appKey: string; hmacSecret: string; scheme?: SignatureSchemeName }
  | { token: string | (() => Promise<string>) };

export interface DispatchClientOptions {
  /** Base URL of service-dispatch, e.g. https://gateway.example.gov.cn */
  baseUrl: string;
  credentials: DispatchCredentials;
  /** Per-call timeout in ms (default 15,000). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Who and why, sent with a call (X-Road style): end user, purpose, legal basis, case. */
export interface CallContext {
  endUser?: string;
  purpose?: string;
  legalBasis?: string;
  caseId?: string;
  correlationId?: string;
}

/** RFC 9457 problem details as dispatch answers them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  errors?: { field: string; message: string }[];
  correlationId?: string;
}

/** A refused or failed call: the problem dispatch answered, typed. */
export class DispatchError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.status} ${problem.code}: ${problem.title}${problem.detail ? ` — ${problem.detail}` : ''}`);
  }

  get status(): number {
    return this.problem.status;
  }

  get code(): string {
    return this.problem.code;
  }
}

/**
 * The typed way for a business line to call the platform's capabilities through service
 * dispatch (`POST /v1/capabilities/{code}/invoke`). Chinese header values are
 * percent-encoded; errors come back as DispatchError with the problem details.
 * Signed requests use the app's scheme (see signature-schemes.ts); retries and idempotency keys
 * are not built yet.
 */
export class DispatchClient {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: DispatchClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async invoke<O>(code: string, input: object, context: CallContext = {}): Promise<O> {
    const path = `/v1/capabilities/${encodeURIComponent(code)}/invoke`;
    const payload = JSON.stringify(input);
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(await this.authorization(path, payload)) };
    if (context.endUser) headers['x-end-user'] = context.endUser;
    if (context.purpose) headers['x-purpose'] = encodeURIComponent(context.purpose);
    if (context.legalBasis) headers['x-legal-basis'] = encodeURIComponent(context.legalBasis);
    if (context.caseId) headers['x-case-id'] = context.caseId;
    if (context.correlationId) headers['x-correlation-id'] = context.correlationId;
    const res = await this.fetch(`${this.options.baseUrl.replace(/\/$/, '')}${path}`, {
      method: 'POST',
      headers,
      body: payload,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    if (!res.ok) {
      const p = (body ?? {}) as Partial<Problem>;
      throw new DispatchError({ type: p.type ?? 'about:blank', title: p.title ?? res.statusText, status: res.status, code: p.code ?? `HTTP_${res.status}`, ...(p.detail ? { detail: p.detail } : {}), ...(p.errors ? { errors: p.errors } : {}), ...(p.correlationId ? { correlationId: p.correlationId } : {}) });
    }
    return body as O;
  }

  private async authorization(path: string, payload: string): Promise<Record<string, string>> {
    const c = this.options.credentials;
    if ('hmacSecret' in c) {
      const scheme = signatureScheme(c.scheme ?? 'gmp-hmac-sm3')!;
      return scheme.sign({ method: 'POST', path, query: '', body: Buffer.from(payload) }, c.appKey, Buffer.from(c.hmacSecret), Date.now(), randomBytes(16).toString('hex'));
    }
    if ('appKey' in c) return { authorization: `Basic ${Buffer.from(`${c.appKey}:${c.secret}`).toString('base64')}` };
    return { authorization: `Bearer ${typeof c.token === 'function' ? await c.token() : c.token}` };
  }
}
