import { createHmac } from 'node:crypto';

/**
 * Pseudonymous key of a data subject (citizen ID number or credit code) used as the Kafka
 * message key and in audit events, so that events stay ordered per subject without
 * carrying the plain id. Keyed (HMAC-SHA256) so it cannot be reversed by enumerating ids.
 */
export function subjectKeyOf(subjectId: string, secret: string): string {
  return createHmac('sha256', secret).update(subjectId.toUpperCase()).digest('hex');
}
