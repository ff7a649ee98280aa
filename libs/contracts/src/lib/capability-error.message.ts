/**
 * Typed error returned by a capability provider over request-reply (never a stack trace).
 * `status` follows HTTP semantics so that dispatch can turn it into problem+json as is.
 */
export interface CapabilityError {
  code: CapabilityErrorCode;
  status: number;
  /** Chinese message with the English beside it. */
  message: string;
  fields?: { field: string; message: string }[];
  /** The provider's own stable code for the refusal (e.g. SEAL_NOT_GRANTED), which dispatch answers as the problem's `code`. */
  reason?: string;
}

export type CapabilityErrorCode = 'INVALID_MESSAGE' | 'NOT_FOUND' | 'FORBIDDEN' | 'CONFLICT' | 'PROVIDER_ERROR' | 'PROVIDER_UNAVAILABLE';

export function isCapabilityError(value: unknown): value is CapabilityError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as CapabilityError).code === 'string' &&
    typeof (value as CapabilityError).status === 'number' &&
    typeof (value as CapabilityError).message === 'string'
  );
}
