import { HttpException } from '@nestjs/common';
import { type FieldError, validateMessage } from '@gmp/contracts';

/** RFC 9457 problem details, the body of every error answer of the platform. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  /** Stable machine-readable code, e.g. `INVALID_INPUT`, `PROVIDER_TIMEOUT`. */
  code: string;
  detail?: string;
  instance?: string;
  correlationId?: string;
  errors?: FieldError[];
}

export function problemType(code: string): string {
  return `urn:gov-mp:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}

/** Throw this from controllers and services: the filter renders it as problem+json as is. */
export class ProblemException extends HttpException {
  /** Response headers that go with the problem (e.g. `Retry-After` on a 429). */
  headers: Record<string, string> = {};

  constructor(status: number, code: string, title: string, detail?: string, errors?: FieldError[]) {
    super({ type: problemType(code), title, status, code, detail, errors } satisfies ProblemDetails, status);
    // What the logs show of it (Nest's default would be "Problem Exception").
    this.message = `${code}: ${title}`;
  }

  withHeaders(headers: Record<string, string>): this {
    this.headers = { ...this.headers, ...headers };
    return this;
  }

  /** RFC 9457 extension members added to the body (e.g. which step of a composite failed, and why). */
  withExtensions(extensions: Record<string, unknown>): this {
    Object.assign(this.getResponse() as object, extensions);
    return this;
  }
}

/** A problem a module may raise: its HTTP status and its title (the same for every occurrence; what varies goes in the detail). */
export interface ProblemSpec {
  readonly status: number;
  readonly title: string;
}

/** One entry of a module's vocabulary: call it for the exception to throw. */
export interface ProblemKind<C extends string = string> extends ProblemSpec {
  readonly code: C;
  (detail?: string, errors?: FieldError[]): ProblemException;
  /** Whether `err` is this problem (e.g. to add what a caller needs to know before passing it on). */
  is(err: unknown): err is ProblemException;
}

/**
 * A module's error vocabulary — every problem it raises, with its status and title — and the one
 * factory that raises them. A module declares it once, in `<module>.problems.ts`:
 *
 * ```ts
 * export const GrantsProblem = problemVocabulary({
 *   GRANT_REQUIRED: { status: 403, title: '未获准调用该能力 (the app has no approved subscription to this capability)' },
 * });
 * throw GrantsProblem.GRANT_REQUIRED(`先订阅 … (subscribe first)`);
 * ```
 *
 * The code is the key (`SCREAMING_SNAKE_CASE`, stable: clients branch on it); the problem filter
 * renders the exception as RFC 9457 problem+json and the Kafka transport carries code and status
 * to the caller. `new ProblemException` outside this file is refused by lint.
 */
export function problemVocabulary<const T extends Record<string, ProblemSpec>>(
  entries: T,
): { readonly [K in keyof T & string]: ProblemKind<K> } {
  const vocabulary: Record<string, ProblemKind> = {};
  for (const [code, spec] of Object.entries(entries)) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(code)) throw new Error(`problem code ${code}: SCREAMING_SNAKE_CASE expected`);
    if (!Number.isInteger(spec.status) || spec.status < 400 || spec.status > 599)
      throw new Error(`problem ${code}: status ${spec.status} is not an error status`);
    const raise = (detail?: string, errors?: FieldError[]) => new ProblemException(spec.status, code, spec.title, detail, errors);
    vocabulary[code] = Object.assign(raise, {
      code,
      status: spec.status,
      title: spec.title,
      is: (err: unknown): err is ProblemException => err instanceof ProblemException && (err.getResponse() as ProblemDetails).code === code,
    });
  }
  return Object.freeze(vocabulary) as { readonly [K in keyof T & string]: ProblemKind<K> };
}

/**
 * A problem raised elsewhere and passed on as it was: a provider's refusal over Kafka, an
 * upstream's 4xx, a stored answer replayed for an idempotency key, a composite step's failure
 * carrying the step's status. Its status (and code) are not the passing module's to choose, so
 * they are not in its vocabulary; everything a module decides itself goes through
 * `problemVocabulary`.
 */
export function relayedProblem(p: {
  status: number;
  code: string;
  title: string;
  detail?: string;
  errors?: FieldError[];
}): ProblemException {
  return new ProblemException(p.status, p.code, p.title, p.detail, p.errors);
}

/** Problems every service raises from the shared kit (request shape, headers, the internal API). */
export const CommonProblem = problemVocabulary({
  INVALID_INPUT: { status: 400, title: '输入无效 (invalid input)' },
  INVALID_HEADER: { status: 400, title: '请求头无效 (invalid header)' },
  INVALID_REQUEST: { status: 400, title: '请求体不是合法 JSON (the body is not valid JSON)' },
  INVALID_NUMBER: { status: 400, title: '数值超出范围 (a number out of range)' },
  INVALID_CHARACTERS: { status: 400, title: '请求含无法存储的字符 (the request contains characters that cannot be stored)' },
  INVALID_QUERY: { status: 400, title: '查询参数重复 (a query parameter is repeated)' },
  BODY_TOO_DEEP: { status: 400, title: '请求体嵌套过深 (the body nests deeper than 64 levels, or than HTTP_JSON_MAX_DEPTH where set)' },
  CALLER_REQUIRED: { status: 400, title: '缺少调用方 (X-Caller header required)' },
  UNAUTHENTICATED: { status: 401, title: '未认证 (unauthenticated)' },
  INTERNAL_API_DISABLED: { status: 403, title: '内部接口未启用 (internal API disabled)' },
});

/** A request body checked against its class (unknown fields refused), or 400 INVALID_INPUT naming the fields. */
export function validBody<T extends object>(cls: new () => T, body: unknown): T {
  const result = validateMessage(cls, body, { forbidUnknown: true });
  if (!result.ok) throw CommonProblem.INVALID_INPUT(undefined, result.errors);
  return result.value;
}
