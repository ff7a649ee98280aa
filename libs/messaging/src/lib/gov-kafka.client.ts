import { ClientKafka, KafkaHeaders, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { Producer } from 'kafkajs';
import { BatchingSender } from './batching-sender.js';

/**
 * The NestJS Kafka client with requests produced in batches (see BatchingSender); routing of
 * replies, correlation and reply partitions are NestJS's own.
 */
export class GovKafkaClient extends ClientKafka {
  private readonly requests = new BatchingSender(() => this.producer as unknown as Producer);

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
