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

/** A request body checked against its class (unknown fields refused), or 400 INVALID_INPUT naming the fields. */
export function validBody<T extends object>(cls: new () => T, body: unknown): T {
  const result = validateMessage(cls, body, { forbidUnknown: true });
  if (!result.ok) throw new ProblemException(400, 'INVALID_INPUT', '输入无效 (invalid input)', undefined, result.errors);
  return result.value;
}

/** The `X-Caller` of an internal call — who acts (operator, owner, integrator) — or 400 CALLER_REQUIRED. */
export function requiredCaller(header: string | undefined, who = '操作人 (operator)'): string {
  if (!header || !/^[A-Za-z0-9._:@-]{1,64}$/.test(header)) throw new ProblemException(400, 'CALLER_REQUIRED', `缺少${who.replace(/ \(.*\)$/, '')} (X-Caller header required)`, 'X-Caller: 1–64 of [A-Za-z0-9._:@-], naming who acts.');
  return header;
}
