import { type CallMeta, contractOf, type FieldError, type TopicContract, validateMessage } from '@gmp/contracts';

export type Inbound =
  { ok: true; contract: TopicContract; value: object; meta?: CallMeta } | { ok: false; reason: string; fields: FieldError[] };

/**
 * Decodes and validates one consumed record against the topic's contract. Every transport
 * (Kafka, in-process) goes through here, so a consumer never sees a message it did not expect.
 */
export function decodeInbound(topic: string, value: Buffer | string | null | undefined): Inbound {
  const contract = contractOf(topic);
  if (!contract) return { ok: false, reason: `未知主题 (unknown topic ${topic})`, fields: [] };
  if (value === null || value === undefined || value.length === 0) {
    return { ok: false, reason: '空消息 (empty message)', fields: [] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch {
    return { ok: false, reason: '消息不是合法 JSON (message is not valid JSON)', fields: [] };
  }
  const checked = validateMessage(contract.message, parsed);
  if (!checked.ok) {
    return { ok: false, reason: '消息不符合契约 (message does not match its contract)', fields: checked.errors };
  }
  return { ok: true, contract, value: checked.value, meta: (checked.value as { meta?: CallMeta }).meta };
}

export function describeRejection(rejection: { reason: string; fields: FieldError[] }): string {
  if (rejection.fields.length === 0) return rejection.reason;
  return `${rejection.reason}: ${rejection.fields.map((f) => `${f.field} ${f.message}`).join('; ')}`;
}
