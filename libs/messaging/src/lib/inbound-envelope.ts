import { KafkaHeaders } from '@nestjs/microservices';
import type { EachMessagePayload, IHeaders } from 'kafkajs';
import { callerOfReplyTopic, contractOf, PLATFORM_SERVICES, PlatformHeader, wireTopicOf } from '@gmp/contracts';
import { decodeInbound, type Inbound } from './inbound-message.js';

/**
 * What a consumed record claims to be, checked: the envelope first (type, direction, reply topic),
 * then the content against the type's contract. On a service's request topic the
 * `x-message-type` header names the type; an event's topic is its type.
 */
export function inspectEnvelope(payload: EachMessagePayload, requestTopic: string) {
  const headers = payload.message.headers ?? {};
  const replyTopic = header(headers, KafkaHeaders.REPLY_TOPIC);
  const correlationId = header(headers, KafkaHeaders.CORRELATION_ID);
  const isRequest = Boolean(replyTopic && correlationId);

  const onRequestTopic = payload.topic === requestTopic;
  // On the request topic the header names the type; an event's topic is its type.
  const type = onRequestTopic ? (header(headers, PlatformHeader.MessageType) ?? '') : payload.topic;
  // Replies go only to a platform service's reply topic and a plain partition number, never
  // wherever a record's header points; an envelope header sent twice is refused, not guessed at.
  const caller = isRequest ? callerOfReplyTopic(replyTopic!) : null;
  const replyPartition = header(headers, KafkaHeaders.REPLY_PARTITION);
  const repeated = [KafkaHeaders.REPLY_TOPIC, KafkaHeaders.CORRELATION_ID, KafkaHeaders.REPLY_PARTITION, PlatformHeader.MessageType].filter(
    (h) => Array.isArray(headers[h]),
  );
  const repliable =
    caller !== null &&
    PLATFORM_SERVICES.includes(caller) &&
    repeated.length === 0 &&
    (replyPartition === undefined || /^\d{1,4}$/.test(replyPartition));
  const contract = contractOf(type);
  const refuse = (reason: string): Inbound => ({ ok: false, reason, fields: [] });
  const inbound: Inbound =
    onRequestTopic && !contract
      ? refuse(`未知消息类型 (unknown message type ${JSON.stringify(type.slice(0, 128))}: x-message-type names the request type)`)
      : onRequestTopic && (contract!.kind !== 'request' || wireTopicOf(contract!.topic) !== requestTopic)
        ? refuse(`消息类型不是本服务的请求 (${type} is not a request type served on ${requestTopic})`)
        : onRequestTopic && !isRequest
          ? refuse('请求缺少应答主题或关联标识 (a request needs a reply topic and a correlation id)')
          : !onRequestTopic && isRequest
            ? refuse(`事件主题上的请求 (a request on the event topic ${payload.topic})`)
            : repeated.length > 0
              ? refuse(`信封头重复 (envelope header sent more than once: ${repeated.join(', ')})`)
              : isRequest && !repliable
                ? refuse(
                    "应答主题无效 (the reply topic must be a platform service's rpc.<service>.replies.v1, the reply partition a number)",
                  )
                : decodeInbound(type, payload.message.value);
  return { type, inbound, isRequest, repliable, replyTopic, correlationId, replyPartition };
}

function header(headers: IHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
