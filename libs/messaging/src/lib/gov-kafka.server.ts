import { Logger } from '@nestjs/common';
import { KafkaHeaders, ServerKafka, type KafkaOptions } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload, EachMessagePayload, IHeaders, Message, Producer } from 'kafkajs';
import { type CapabilityError, contractOf, deadLetterTopicOf, PlatformHeader, replyTopicOf, type Topic } from '@gmp/contracts';
import { correlationIdFrom, runWithContext } from '@gmp/observability';
import { BatchingSender } from './batching-sender.js';
import { decodeInbound, describeRejection } from './inbound-message.js';
import { describeError } from './sql.util.js';
import { isTransientError, maskIdNumbers } from './transient-error.js';

const EVENT_ATTEMPTS = 3;
/** Requests of one fetched batch handled at once (queries need no order among themselves). */
const REQUEST_CONCURRENCY = 64;

/**
 * The NestJS Kafka server with the platform's consumption rules added:
 * - every record is validated against its topic's contract before a handler sees it;
 * - a record that fails validation goes to the consumer group's dead-letter topic (with the
 *   error and its origin in headers), a request gets a typed INVALID_MESSAGE reply, and the
 *   consumer goes on with the next record;
 * - an event whose handler keeps failing is retried, then dead-lettered instead of blocking
 *   the partition;
 * - the handler runs inside the call's context (correlation id, app, end user) for logs;
 * - requests of a fetched batch are handled concurrently and their replies produced in
 *   batches; events keep their order within a partition, unless their contract is
 *   `unordered` (independent effects: handled concurrently too).
 */
export class GovKafkaServer extends ServerKafka {
  private readonly log = new Logger('GovKafkaServer');
  readonly deadLetterTopic: string;
  private readonly replies = new BatchingSender(() => this.producer as unknown as Producer);

  constructor(
    options: NonNullable<KafkaOptions['options']>,
    private readonly consumerGroup: string,
  ) {
    super(options);
    this.deadLetterTopic = deadLetterTopicOf(consumerGroup);
  }

  override async bindEvents(consumer: Consumer | any): Promise<void> {
    const topics = [...this.messageHandlers.keys()].map(String);
    if (topics.length > 0) await consumer.subscribe({ ...(this.options.subscribe ?? {}), topics });
    // A consumer that kafkajs gives up on (not restarting) must not leave a process that looks
    // healthy but serves nothing: exit and let the supervisor restart it.
    consumer.on(consumer.events.CRASH, (event: { payload: { error: Error; restart: boolean } }) => {
      this.log.error(`消费者崩溃 (consumer crashed), restart=${event.payload.restart}: ${describeError(event.payload.error)}`);
      if (!event.payload.restart) process.exit(1);
    });
    await consumer.run({
      ...(this.options.run ?? {}),
      // kafkajs commits after every batch when autoCommit is on: one more round trip before
      // the next fetch. Offsets are committed at most every second instead (a restart may
      // replay up to a second of records: queries are harmless, events are deduplicated).
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async (payload: EachBatchPayload) => {
        await this.handleBatch(payload);
        await payload.commitOffsetsIfNecessary();
      },
    });
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, pause }: EachBatchPayload): Promise<void> {
    const one = (message: (typeof batch.messages)[number]) =>
      this.handleMessage({ topic: batch.topic, partition: batch.partition, message, heartbeat, pause });
    const contract = contractOf(batch.topic);
    if (contract?.kind === 'request' || contract?.unordered) {
      for (let i = 0; i < batch.messages.length && isRunning() && !isStale(); i += REQUEST_CONCURRENCY) {
        const slice = batch.messages.slice(i, i + REQUEST_CONCURRENCY);
        const settled = await Promise.allSettled(slice.map(one));
        const failed = settled.find((s) => s.status === 'rejected');
        if (failed) throw (failed as PromiseRejectedResult).reason;
        resolveOffset(slice[slice.length - 1]!.offset);
        await heartbeat();
      }
      return;
    }
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) return;
      await one(message);
      resolveOffset(message.offset);
      await heartbeat();
    }
  }

  /** Replies are produced in batches (see BatchingSender) instead of one request each. */
  override async sendMessage(message: any, replyTopic: string, replyPartition: string | undefined | null, correlationId: string): Promise<any> {
    const outgoing: Message = await this.serializer.serialize(message.response);
    this.assignReplyPartition(replyPartition, outgoing as any);
    this.assignCorrelationIdHeader(correlationId, outgoing as any);
    this.assignErrorHeader(message, outgoing as any);
    this.assignIsDisposedHeader(message, outgoing as any);
    await this.replies.send(replyTopic, outgoing);
    return [];
  }

  override async handleMessage(payload: EachMessagePayload): Promise<any> {
    const headers = payload.message.headers ?? {};
    const replyTopic = header(headers, KafkaHeaders.REPLY_TOPIC);
    const correlationId = header(headers, KafkaHeaders.CORRELATION_ID);
    const isRequest = Boolean(replyTopic && correlationId);

    let inbound = decodeInbound(payload.topic, payload.message.value);
    // Replies go only to the topic's own reply topic, never where a record's header points.
    if (inbound.ok && isRequest && replyTopic !== replyTopicOf(payload.topic as Topic)) {
      inbound = { ok: false, reason: `应答主题无效 (reply topic must be ${replyTopicOf(payload.topic as Topic)})`, fields: [] };
    }
    if (!inbound.ok) {
      const reason = describeRejection(inbound);
      await this.deadLetter(payload, reason);
      if (isRequest && replyTopic === replyTopicOf(payload.topic as Topic)) {
        const error: CapabilityError = { code: 'INVALID_MESSAGE', status: 400, message: inbound.reason, fields: inbound.fields };
        await this.sendMessage(
          { id: correlationId!, err: error, response: undefined, isDisposed: true },
          replyTopic!,
          header(headers, KafkaHeaders.REPLY_PARTITION),
          correlationId!,
        ).catch((err: unknown) => this.log.warn(`无法答复无效请求 (could not answer an invalid request): ${describeError(err)}`));
      }
      return;
    }

    const meta = inbound.meta;
    const context = {
      correlationId: correlationIdFrom(meta?.correlationId),
      app: meta?.app,
      endUser: meta?.endUser,
      purpose: meta?.purpose,
      caseId: meta?.caseId,
    };
    // Handlers see the validated message (unknown properties stripped), not the raw record.
    const validated = { ...payload, message: { ...payload.message, value: Buffer.from(JSON.stringify(inbound.value)) } };
    return runWithContext(context, async () => {
      if (isRequest) return super.handleMessage(validated);
      let lastError: unknown;
      for (let attempt = 1; attempt <= EVENT_ATTEMPTS; attempt++) {
        try {
          return await super.handleMessage(validated);
        } catch (err) {
          // Database or network down: not the message's fault. Leave it unresolved so the
          // batch is retried (the partition waits) instead of dead-lettering it.
          if (isTransientError(err)) throw err;
          lastError = err;
          this.log.warn(`事件处理失败，重试 (event handler failed, attempt ${attempt}/${EVENT_ATTEMPTS}) on ${payload.topic}: ${describeError(err)}`);
          await new Promise((r) => setTimeout(r, 100 * attempt));
        }
      }
      await this.deadLetter(payload, `处理失败 (handler failed ${EVENT_ATTEMPTS} times): ${describeError(lastError)}`);
    });
  }

  /** Copies a record to the dead-letter topic (ID numbers masked). A failure to write it fails the batch, which is retried: nothing is dropped. */
  private async deadLetter(payload: EachMessagePayload, rawReason: string): Promise<void> {
    const reason = maskIdNumbers(rawReason).slice(0, 1000);
    this.log.error(
      `死信 (dead-lettered) ${payload.topic}[${payload.partition}]@${payload.message.offset} → ${this.deadLetterTopic}: ${reason}`,
    );
    const value = payload.message.value ? Buffer.from(maskIdNumbers(payload.message.value.toString('utf8'))) : null;
    await this.producer!.send({
      topic: this.deadLetterTopic,
      messages: [
        {
          key: payload.message.key,
          value,
          headers: {
            ...(payload.message.headers ?? {}),
            [PlatformHeader.DeadLetterError]: Buffer.from(reason),
            [PlatformHeader.DeadLetterSourceTopic]: payload.topic,
            [PlatformHeader.DeadLetterSourcePartition]: String(payload.partition),
            [PlatformHeader.DeadLetterSourceOffset]: payload.message.offset,
            [PlatformHeader.DeadLetterConsumerGroup]: this.consumerGroup,
          },
        },
      ],
    });
  }
}

function header(headers: IHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
