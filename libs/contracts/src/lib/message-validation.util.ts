import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

export interface FieldError {
  /** Dotted path of the offending field, e.g. `input.holderId`. */
  field: string;
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export interface ValidateOptions {
  /** Refuse unknown properties (HTTP input) instead of stripping them (wire messages, forward-compatible). */
  forbidUnknown?: boolean;
}

/**
 * Validates a plain value (parsed JSON) against a message class. Used wherever a message is
 * consumed — Kafka consumers, the in-process transport, dispatch's HTTP edge — so that bad
 * input always gets the same field-level answer.
 */
export function validateMessage<T extends object>(
  cls: new () => T,
  raw: unknown,
  options: ValidateOptions = {},
): Validated<T> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, errors: [{ field: '', message: '消息必须是 JSON 对象 (message must be a JSON object)' }] };
  }
  const value = plainToInstance(cls, raw, { enableImplicitConversion: false });
  const errors = validateSync(value, {
    whitelist: true,
    forbidNonWhitelisted: options.forbidUnknown ?? false,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) return { ok: false, errors: flattenErrors(errors) };
  return { ok: true, value };
}

export function flattenErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) out.push({ field, message });
    if (error.children?.length) out.push(...flattenErrors(error.children, field));
  }
  return out;
}
