/** Marks a failure that happened before the upstream was called (its Idempotency-Key is freed). */
export function notSent<E extends object>(err: E): E {
  return Object.assign(err, { notSent: true });
}
