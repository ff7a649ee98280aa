import { ClientKafka, KafkaHeaders, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { Producer } from 'kafkajs';
import { BatchingSender } from './batching-sender.js';
import { OFFSET_COMMIT_INTERVAL_MS } from './kafka-config.js';

/**
 * The NestJS Kafka client with requests produced in batches (see BatchingSender); routing of
 * replies, correlation and reply partitions are NestJS's own.
 */
export class GovKafkaClient extends ClientKafka {
  private readonly requests = new BatchingSender(() => this.producer as unknown as Producer);
  /** Highest reply offset read per topic/partition, committed every second (autoCommit is off). */
  private readonly read = new Map<string, { topic: string; partition: number; offset: string }>();
  private committer: NodeJS.Timeout | null = null;

  override createResponseCallback(): (payload: any) => Promise<any> {
    const handle = super.createResponseCallback();
    return async (payload: { topic: string; partition: number; message: { offset: string } }) => {
      this.read.set(`${payload.topic}:${payload.partition}`, { topic: payload.topic, partition: payload.partition, offset: payload.message.offset });
      return handle(payload as never);
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
    const offsets = [...this.read.values()].map((r) => ({ topic: r.topic, partition: r.partition, offset: (BigInt(r.offset) + 1n).toString() }));
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
      const replyTopic = this.getResponsePatternName(pattern);
      const replyPartition = this.getReplyTopicPartition(replyTopic);
      Promise.resolve(this.serializer.serialize(packet.data, { pattern }))
        .then((serialized: any) => {
          serialized.headers[KafkaHeaders.CORRELATION_ID] = packet.id;
          serialized.headers[KafkaHeaders.REPLY_TOPIC] = replyTopic;
          serialized.headers[KafkaHeaders.REPLY_PARTITION] = replyPartition;
          return this.requests.send(pattern, serialized);
        })
        .catch(fail);
      return cleanup;
    } catch (err) {
      fail(err);
      return () => null;
    }
  }
}
