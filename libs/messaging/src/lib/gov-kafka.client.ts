import { ClientKafka, KafkaHeaders, type KafkaOptions, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { Producer } from 'kafkajs';
import { contractOf, PlatformHeader, replyTopicOf, wireTopicOf } from '@gmp/contracts';
import { contextFromHeaders, inSpan, SpanKind, traceHeaders } from '@gmp/observability';
import { BatchingSender } from './batching-sender.js';
import { OFFSET_COMMIT_INTERVAL_MS } from './kafka-config.js';

/**
 * The NestJS Kafka client with the platform's topic layout: a request of any type goes to its
 * provider's one request topic (`wireTopicOf`) with the type in `x-message-type`, and every
 * reply comes back on this service's one reply topic (`replyTopicOf(service)`, a partition per
 * instance) — the topics a caller reads do not grow with the capability catalogue. Requests
 * are produced in batches (see BatchingSender); correlation and reply partitions are NestJS's own.
 */
export class GovKafkaClient extends ClientKafka {
  /** The one topic this service's replies come back on. */
  readonly replyTopic: string;
  private readonly requests = new BatchingSender(() => this.producer as unknown as Producer);
  /** Highest reply offset read per topic/partition, committed every second (autoCommit is off). */
  private readonly read = new Map<string, { topic: string; partition: number; offset: string }>();
  private committer: NodeJS.Timeout | null = null;

  constructor(options: NonNullable<KafkaOptions['options']>, service: string) {
    super(options);
    this.replyTopic = replyTopicOf(service);
  }

  /** Every request type is answered on the one reply topic. */
  override getResponsePatternName(_pattern: string): string {
    return this.replyTopic;
  }

  override subscribeToResponseOf(_pattern: unknown): void {
    if (!this.responsePatterns.includes(this.replyTopic)) this.responsePatterns.push(this.replyTopic);
  }

  override createResponseCallback(): (payload: any) => Promise<any> {
    const handle = super.createResponseCallback();
    return async (payload: { topic: string; partition: number; message: { offset: string; headers?: Record<string, unknown> } }) => {
      this.read.set(`${payload.topic}:${payload.partition}`, {
        topic: payload.topic,
        partition: payload.partition,
        offset: payload.message.offset,
      });
      // The reply's hop back, in the trace of the request it answers.
      return inSpan(
        `receive ${payload.topic}`,
        SpanKind.CONSUMER,
        { 'messaging.system': 'kafka', 'messaging.destination.name': payload.topic, 'messaging.operation.type': 'receive' },
        async () => handle(payload as never),
        contextFromHeaders(payload.message.headers),
      );
    };
  }

  override async connect(): Promise<any> {
    const producer = await super.connect();
    this.committer ??= setInterval(() => void this.commitRead(), OFFSET_COMMIT_INTERVAL_MS);
    this.committer.unref();
    return producer;
  }

  override async close(): Promise<void> {
    if (this.committer) clearInterval(this.committer);
    this.committer = null;
    await this.commitRead();
    await super.close();
  }

  /** Commits replies already read, so a rebalance resumes after them — not at the latest offset. */
  private async commitRead(): Promise<void> {
    if (this.read.size === 0) return;
    const offsets = [...this.read.values()].map((r) => ({
      topic: r.topic,
      partition: r.partition,
      offset: (BigInt(r.offset) + 1n).toString(),
    }));
    this.read.clear();
    try {
      await this.commitOffsets(offsets);
    } catch {
      /* not a member right now (rebalancing): the next tick commits newer offsets */
    }
  }

  protected override publish(partialPacket: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const packet = this.assignPacketId(partialPacket);
    this.routingMap.set(packet.id, callback);
    const cleanup = () => this.routingMap.delete(packet.id);
    const fail = (err: unknown) => {
      cleanup();
      callback({ err });
    };
    try {
      const pattern = this.normalizePattern(partialPacket.pattern);
      const contract = contractOf(pattern);
      if (contract?.kind !== 'request') throw new Error(`不是请求类型 (not a request type of the contracts): ${pattern}`);
      const topic = wireTopicOf(contract.topic);
      const replyTopic = this.replyTopic;
      const replyPartition = this.getReplyTopicPartition(replyTopic);
      Promise.resolve(this.serializer.serialize(packet.data, { pattern }))
        .then((serialized: any) => {
          serialized.headers[KafkaHeaders.CORRELATION_ID] = packet.id;
          serialized.headers[KafkaHeaders.REPLY_TOPIC] = replyTopic;
          serialized.headers[KafkaHeaders.REPLY_PARTITION] = replyPartition;
          serialized.headers[PlatformHeader.MessageType] = pattern;
          // Sent within the caller's trace: the provider's handling continues it (traceparent header).
          return inSpan(
            `send ${topic}`,
            SpanKind.PRODUCER,
            {
              'messaging.system': 'kafka',
              'messaging.destination.name': topic,
              'messaging.operation.type': 'send',
              'gmp.message_type': pattern,
            },
            async () => {
              Object.assign(serialized.headers, traceHeaders());
              return this.requests.send(topic, serialized);
            },
          );
        })
        .catch(fail);
      return cleanup;
    } catch (err) {
      fail(err);
      return () => null;
    }
  }
}
