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
  /** Default attempts after the first, for every call (0). Retried calls carry an Idempotency-Key. */
  retries?: number;
  fetch?: typeof fetch;
}

/** Who and why, sent with a call (X-Road style): end user, purpose, legal basis, case. */
export interface CallContext {
  endUser?: string;
  purpose?: string;
  /** A registered legal-basis code that the capability's owner granted to this app (e.g. `demo.gov-data-sharing`). */
  legalBasis?: string;
  caseId?: string;
  correlationId?: string;
  /** Sent as Idempotency-Key: dispatch runs the capability at most once for it (24 h). */
  idempotencyKey?: string;
  /** Attempts after the first (default: the client's `retries`, 0). */
  retries?: number;
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
  constructor(
    readonly problem: Problem,
    /** From Retry-After (429, 503), in ms. */
    readonly retryAfterMs?: number,
  ) {
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
 * Signed requests use the app's scheme (see signature-schemes.ts); retried calls carry one
 * Idempotency-Key, so a capability runs at most once whatever the retries.
 */
export class DispatchClient {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: DispatchClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /**
   * Calls a capability and returns its output. With `context.idempotencyKey` (or `retries` > 0,
   * which makes one up) the same key is sent on every attempt, so dispatch runs the capability
   * at most once; attempts are retried after network errors, 429 (honouring Retry-After, up to
   * 10 s), 502, 503 and 504, with backoff.
   */
  async invoke<O>(code: string, input: object, context: CallContext = {}): Promise<O> {
    const retries = context.retries ?? this.options.retries ?? 0;
    const ctx = retries > 0 && !context.idempotencyKey ? { ...context, idempotencyKey: `dc-${randomBytes(16).toString('hex')}` } : context;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.send<O>('POST', `/v1/capabilities/${encodeURIComponent(code)}/invoke`, input, ctx);
      } catch (err) {
        const status = err instanceof DispatchError ? err.status : 0; // 0: the network
        const retryable =
          status === 0 ||
          status === 429 ||
          status === 502 ||
          status === 503 ||
          status === 504 ||
          (status === 409 && err instanceof DispatchError && err.code === 'IDEMPOTENCY_IN_PROGRESS');
        if (!retryable || attempt >= retries) throw err;
        const hinted = err instanceof DispatchError ? err.retryAfterMs : undefined;
        await new Promise((r) => setTimeout(r, Math.min(10_000, hinted ?? 200 * 2 ** attempt)));
      }
    }
  }

  /** Submits an asynchronous call: `{ callId, status: 'accepted', resultUrl }`. */
  invokeAsync(code: string, input: object, context: CallContext = {}): Promise<{ callId: string; status: 'accepted'; resultUrl: string }> {
    return this.send('POST', `/v1/capabilities/${encodeURIComponent(code)}/invoke-async`, input, context);
  }

  /** Where an asynchronous call stands, with its result or problem once done. */
  call<O>(callId: string): Promise<AsyncCallView<O>> {
    return this.send('GET', `/v1/calls/${encodeURIComponent(callId)}`, undefined, {});
  }

  /**
   * Asks to use a capability, with the purpose the owner decides on (answered `pending`), and the
   * registered legal bases (codes, see `legalBases()`) the app wants to declare with it.
   */
  subscribe(capability: string, purpose: string, legalBases?: string[]): Promise<SubscriptionView> {
    return this.send('POST', '/v1/subscriptions', { capability, purpose, ...(legalBases?.length ? { legalBases } : {}) }, {});
  }

  /** Registered, active legal bases (optionally those that open one capability). */
  async legalBases(capability?: string): Promise<{ code: string; title: string; summary: string; capabilities: string[] }[]> {
    const query = capability ? `?capability=${encodeURIComponent(capability)}` : '';
    return (
      await this.send<{ legalBases: { code: string; title: string; summary: string; capabilities: string[] }[] }>(
        'GET',
        `/v1/legal-bases${query}`,
        undefined,
        {},
      )
    ).legalBases;
  }

  /** This app's subscriptions and where each stands (pending, approved, rejected, revoked). */
  async subscriptions(): Promise<SubscriptionView[]> {
    return (await this.send<{ subscriptions: SubscriptionView[] }>('GET', '/v1/subscriptions', undefined, {})).subscriptions;
  }

  /** The capability catalogue as this app may see it (`q` searches code, name and description). */
  async capabilities(q?: string): Promise<CapabilitySummary[]> {
    return (
      await this.send<{ capabilities: CapabilitySummary[] }>(
        'GET',
        `/v1/capabilities${q ? `?q=${encodeURIComponent(q)}` : ''}`,
        undefined,
        {},
      )
    ).capabilities;
  }

  /** This app's usage by day (Beijing time), from the call audit; default: today. */
  async usage(filter: { from?: string; to?: string; capability?: string } = {}): Promise<UsageRow[]> {
    const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined) as [string, string][]).toString();
    return (await this.send<{ usage: UsageRow[] }>('GET', `/v1/usage${query ? `?${query}` : ''}`, undefined, {})).usage;
  }

  private async send<O>(method: 'GET' | 'POST', path: string, input: object | undefined, context: CallContext): Promise<O> {
    const payload = input === undefined ? '' : JSON.stringify(input);
    const headers: Record<string, string> = input === undefined ? {} : { 'content-type': 'application/json' };
    if (context.endUser) headers['x-end-user'] = context.endUser;
    if (context.purpose) headers['x-purpose'] = encodeURIComponent(context.purpose);
    if (context.legalBasis) headers['x-legal-basis'] = encodeURIComponent(context.legalBasis);
    if (context.caseId) headers['x-case-id'] = context.caseId;
    if (context.correlationId) headers['x-correlation-id'] = context.correlationId;
    if (context.idempotencyKey) headers['idempotency-key'] = context.idempotencyKey;
    // Signed last: the platform's scheme covers the who-and-why headers too.
    Object.assign(headers, await this.authorization(method, path, payload, headers));
    const res = await this.fetch(`${this.options.baseUrl.replace(/\/$/, '')}${path}`, {
      method,
      headers,
      ...(input === undefined ? {} : { body: payload }),
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
      const retryAfter = Number(res.headers.get('retry-after'));
      throw new DispatchError(
        {
          type: p.type ?? 'about:blank',
          title: p.title ?? res.statusText,
          status: res.status,
          code: p.code ?? `HTTP_${res.status}`,
          ...(p.detail ? { detail: p.detail } : {}),
          ...(p.errors ? { errors: p.errors } : {}),
          ...(p.correlationId ? { correlationId: p.correlationId } : {}),
        },
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
      );
    }
    return body as O;
  }

  private async authorization(
    method: string,
    path: string,
    payload: string,
    headers: Record<string, string>,
  ): Promise<Record<string, string>> {
    const c = this.options.credentials;
    if ('hmacSecret' in c) {
      const scheme = signatureScheme(c.scheme ?? 'gmp-hmac-sm3')!;
      const [bare, query = ''] = path.split('?') as [string, string?];
      return scheme.sign(
        { method, path: bare, query, headers, body: Buffer.from(payload) },
        c.appKey,
        Buffer.from(c.hmacSecret),
        Date.now(),
        randomBytes(16).toString('hex'),
      );
    }
    if ('appKey' in c) return { authorization: `Basic ${Buffer.from(`${c.appKey}:${c.secret}`).toString('base64')}` };
    return { authorization: `Bearer ${typeof c.token === 'function' ? await c.token() : c.token}` };
  }
}

/** An asynchronous call as dispatch reports it. */
export interface AsyncCallView<O> {
  callId: string;
  capability: string;
  status: 'accepted' | 'running' | 'succeeded' | 'failed';
  submittedAt: string;
  completedAt?: string;
  result?: O;
  problem?: Problem;
  callback: { status: 'none' | 'pending' | 'delivered' | 'failed'; attempts: number; lastError?: string };
}

/** A subscription (订阅) as dispatch reports it. */
export interface SubscriptionView {
  id: string;
  app: string;
  capability: string;
  status: 'pending' | 'approved' | 'rejected' | 'revoked';
  purpose: string;
  ratePerSecond: number | null;
  quotaPerDay: number | null;
  requestedAt: string;
  decidedAt?: string;
  decidedBy?: string;
  reason?: string | null;
}

/** One capability version in the catalogue. */
export interface CapabilitySummary {
  code: string;
  version: string;
  name: string;
  description: string;
  ownerDepartment: string;
  timeoutMs: number;
  idempotent: boolean;
  status: 'active' | 'deprecated' | 'retired';
  visibility: 'public' | 'restricted';
  example: Record<string, unknown> | null;
}

/** Calls of one day × capability: how many, failed (5xx), refused (4xx), latency. */
export interface UsageRow {
  day: string;
  app: string;
  capability: string;
  calls: number;
  errors: number;
  refused: number;
  latencyMs: { p50: number; p99: number };
}
