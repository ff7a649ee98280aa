import type { HandlingOutcome, MessagingMetrics } from './messaging-metrics.js';
import { Logger } from '@nestjs/common';
import { KafkaContext, ServerKafka, type KafkaOptions } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload, EachMessagePayload, Message, Producer } from 'kafkajs';
import {
  type CapabilityError,
  contractOf,
  deadLetterTopicOf,
  PlatformHeader,
  requestTimeoutOf,
  requestTopicOf,
  wireTopicOf,
} from '@gmp/contracts';
import { contextFromHeaders, correlationIdFrom, inSpan, runWithContext, SpanKind, traceHeaders } from '@gmp/observability';
import { BatchingSender } from './batching-sender.js';
import { CommittedOffsets } from './committed-offsets.js';
import { inspectEnvelope } from './inbound-envelope.js';
import { describeRejection } from './inbound-message.js';
import { OFFSET_COMMIT_INTERVAL_MS } from './kafka-config.js';
import { isBatchHandler } from './event-batch.decorator.js';
import { describeError } from './sql.util.js';
import { isTransientError, maskIdNumbers } from './transient-error.js';

const EVENT_ATTEMPTS = 3;
/** Unordered events of one fetched batch handled at once. */
const EVENT_CONCURRENCY = 64;
/** Requests in flight in one process at most; past it the consumer stops fetching until some finish (backpressure). */
export const MAX_REQUESTS_IN_FLIGHT = 256;
/** Clock difference between hosts tolerated before a request counts as expired. */
const EXPIRY_GRACE_MS = 1_000;
/** How long a closing server waits for requests in flight to be answered. */
const DRAIN_MS = 5_000;
/** How long a closing server waits for its last offset commit (a broker that is down must not hold the stop up). */
const COMMIT_ON_CLOSE_MS = 2_000;

/**
 * The NestJS Kafka server with the platform's consumption rules added:
 * - requests arrive on the service's one request topic (`requestTopicOf(service)`), each with
 *   its type in the `x-message-type` header; the type must be a request contract this service
 *   owns, and the reply topic a caller's reply topic (`rpc.<caller>.replies.v1`) — otherwise
 *   the record is refused like a malformed one;
 * - every record is validated against its type's contract before a handler sees it;
 * - a record that fails validation goes to the consumer group's dead-letter topic (with the
 *   error and its origin in headers), a request gets a typed INVALID_MESSAGE reply, and the
 *   consumer goes on with the next record;
 * - an event whose handler keeps failing is retried, then dead-lettered instead of blocking
 *   the partition;
 * - the handler runs inside the call's context (correlation id, app, end user) for logs;
 * - requests are handed to their handlers as they are fetched and the next fetch goes out at
 *   once (a slow capability does not hold back the others; at most MAX_REQUESTS_IN_FLIGHT at a
 *   time); replies are produced in batches. Events keep their order within a partition, unless
 *   their contract is `unordered` (independent effects: handled concurrently too);
 * - a request older than its capability's timeout when it is fetched (its caller has given up,
 *   and may have retried) is skipped, not run: after an outage or a rebalance, commands are not
 *   run late a second time; a new group starts a request topic at its end, events at their start;
 * - offsets are committed every second (and before a rebalance) up to the first record not yet
 *   finished: a restart redoes the events and requests that were in flight (events are
 *   deduplicated by their consumers). A request whose handler finished counts as done even if
 *   its reply was lost in a crash (its caller times out), and so does one whose dead letter
 *   could not be written (logged); an event is never dropped that way.
 */
export class GovKafkaServer extends ServerKafka {
  private readonly log = new Logger('GovKafkaServer');
  readonly deadLetterTopic: string;
  /** The one topic every request to this service arrives on. */
  readonly requestTopic: string;
  /** One sender per reply topic: a reply to a topic that is missing or refused cannot hold back the replies to the others. */
  private readonly replies = new Map<string, BatchingSender>();
  /** Replies handed to a sender and not acknowledged yet (a closing server waits for them too). */
  private repliesInFlight = 0;
  /** What may be committed per partition (see CommittedOffsets). */
  private readonly offsets = new CommittedOffsets((err) =>
    this.log.debug?.(`提交偏移量失败 (offset commit failed): ${describeError(err)}`),
  );
  private inFlight = 0;
  private readonly slotWaiters: (() => void)[] = [];
  private committer: NodeJS.Timeout | null = null;
  private closing = false;

  constructor(
    options: NonNullable<KafkaOptions['options']>,
    private readonly consumerGroup: string,
    private readonly metrics?: MessagingMetrics,
  ) {
    super(options);
    this.deadLetterTopic = deadLetterTopicOf(consumerGroup);
    this.requestTopic = requestTopicOf(consumerGroup);
  }

  /** A service with no handlers (nothing to consume) opens no consumer at all: no group to join, no fetches, no heartbeats. */
  override async listen(callback: (err?: unknown, ...optionalParams: unknown[]) => void): Promise<void> {
    if (this.messageHandlers.size === 0) return callback();
    return super.listen(callback);
  }

  override async bindEvents(consumer: Consumer | any): Promise<void> {
    const topics = [...new Set([...this.messageHandlers.keys()].map((type) => this.wireTopicOfHandler(String(type))))];
    const events = topics.filter((t) => t !== this.requestTopic);
    // A new group reads events from their start (none may be missed), but its request topic from
    // its end: requests sent before the provider first joined have timed out at their callers.
    if (events.length > 0) await consumer.subscribe({ ...(this.options.subscribe ?? {}), topics: events });
    if (topics.includes(this.requestTopic)) await consumer.subscribe({ topics: [this.requestTopic], fromBeginning: false });
    // A consumer that kafkajs gives up on (not restarting) must not leave a process that looks
    // healthy but serves nothing: exit and let the supervisor restart it.
    consumer.on(consumer.events.CRASH, (event: { payload: { error: Error; restart: boolean } }) => {
      this.log.error(`消费者崩溃 (consumer crashed), restart=${event.payload.restart}: ${describeError(event.payload.error)}`);
      if (!event.payload.restart) process.exit(1);
    });
    // Before partitions move, commit what is finished (best effort), so the next member redoes less.
    consumer.on(consumer.events.REBALANCING, () => void this.commitFinished());
    // A new assignment starts from the group's committed offsets: forget what was tracked.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.offsets.reset();
      this.metrics?.lagReset();
    });
    await consumer.run({
      ...(this.options.run ?? {}),
      // Offsets are committed by this class every second (commitFinished), up to the first
      // record not yet finished: never after each batch (one more round trip before the next
      // fetch), never past a request still in flight.
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload: EachBatchPayload) => this.handleBatch(payload),
    });
    this.committer ??= setInterval(() => void this.commitFinished(), OFFSET_COMMIT_INTERVAL_MS);
    this.committer.unref();
  }

  /** Every handler must serve a type of the contracts: requests on this service's request topic, events on their own. */
  private wireTopicOfHandler(type: string): string {
    const contract = contractOf(type);
    if (!contract) throw new Error(`处理器的消息类型没有契约 (handler for a message type without a contract): ${type}`);
    const topic = wireTopicOf(contract.topic);
    if (contract.kind === 'request' && topic !== this.requestTopic) {
      throw new Error(`请求类型 ${type} 属于 ${contract.owner}，不由 ${this.consumerGroup} 处理 (request type owned by another service)`);
    }
    return topic;
  }

  override async close(): Promise<void> {
    this.closing = true;
    // Requests in flight finish and their replies are acknowledged, within the drain time (the
    // process exits anyway 15 s after a stop signal; the outbox's last flush needs its share).
    const deadline = Date.now() + DRAIN_MS;
    while ((this.inFlight > 0 || this.repliesInFlight > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (this.committer) clearInterval(this.committer);
    this.committer = null;
    await Promise.race([this.commitFinished(), new Promise((r) => setTimeout(r, COMMIT_ON_CLOSE_MS).unref())]);
    await super.close();
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    // What is left of the partition once this batch is fetched (its own records included), and once it is handled.
    this.metrics?.lag(batch.topic, batch.partition, Number(batch.offsetLagLow()));
    try {
      await this.handleFetched(payload);
    } finally {
      this.metrics?.lag(batch.topic, batch.partition, Number(batch.offsetLag()));
    }
  }

  private async handleFetched({ batch, resolveOffset, heartbeat, isRunning, isStale, pause }: EachBatchPayload): Promise<void> {
    const position = this.offsets.of(batch.topic, batch.partition, batch.messages[0]?.offset);
    const one = (message: (typeof batch.messages)[number]) =>
      this.handleMessage({ topic: batch.topic, partition: batch.partition, message, heartbeat, pause });
    if (batch.topic === this.requestTopic) {
      for (const message of batch.messages) {
        if (!isRunning() || isStale()) return;
        if (this.closing) {
          // Left for the group's next member: not resolved, and no more fetched here.
          pause();
          return;
        }
        await this.slot(heartbeat);
        const offset = BigInt(message.offset);
        position.inFlight.add(offset);
        position.next = offset + 1n;
        // The next fetch goes out now; the request finishes on its own (its offset is committed once it has).
        resolveOffset(message.offset);
        void one(message)
          .catch((err: unknown) =>
            this.log.error(
              `请求处理失败 (request not handled) ${batch.topic}[${batch.partition}]@${message.offset}: ${describeError(err)}`,
            ),
          )
          .finally(() => {
            position.inFlight.delete(offset);
            this.release();
          });
      }
      return;
    }
    if (isBatchHandler(this.messageHandlers.get(batch.topic))) {
      if (!isRunning() || isStale()) return;
      await this.handleEventBatch(
        batch.messages.map((message) => ({ topic: batch.topic, partition: batch.partition, message, heartbeat, pause })),
      );
      const last = batch.messages[batch.messages.length - 1];
      if (last) {
        resolveOffset(last.offset);
        position.next = BigInt(last.offset) + 1n;
      }
      await heartbeat();
      return;
    }
    const contract = contractOf(batch.topic);
    if (contract?.unordered) {
      for (let i = 0; i < batch.messages.length && isRunning() && !isStale(); i += EVENT_CONCURRENCY) {
        const slice = batch.messages.slice(i, i + EVENT_CONCURRENCY);
        const settled = await Promise.allSettled(slice.map(one));
        const failed = settled.find((s) => s.status === 'rejected');
        if (failed) throw (failed as PromiseRejectedResult).reason;
        const last = slice[slice.length - 1]!.offset;
        resolveOffset(last);
        position.next = BigInt(last) + 1n;
        await heartbeat();
      }
      return;
    }
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) return;
      await one(message);
      resolveOffset(message.offset);
      position.next = BigInt(message.offset) + 1n;
      await heartbeat();
    }
  }

  /** Waits for a free request slot (heartbeating meanwhile, so the group keeps this member). */
  private async slot(heartbeat: () => Promise<void>): Promise<void> {
    while (this.inFlight >= MAX_REQUESTS_IN_FLIGHT) {
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
      await heartbeat();
    }
    this.inFlight++;
  }

  private release(): void {
    this.inFlight--;
    this.slotWaiters.shift()?.();
  }

  /** Commits, per partition, the offset of the first record not finished yet (or the next one). */
  private commitFinished(): Promise<void> {
    return this.offsets.commit(this.consumer);
  }

  /** Replies are produced in batches (see BatchingSender) instead of one request each. */
  override async sendMessage(
    message: any,
    replyTopic: string,
    replyPartition: string | undefined | null,
    correlationId: string,
  ): Promise<any> {
    const outgoing: Message = await this.serializer.serialize(message.response);
    this.assignReplyPartition(replyPartition, outgoing as any);
    this.assignCorrelationIdHeader(correlationId, outgoing as any);
    this.assignErrorHeader(message, outgoing as any);
    this.assignIsDisposedHeader(message, outgoing as any);
    // The reply travels in the trace of the request it answers.
    Object.assign(((outgoing as any).headers ??= {}) as object, traceHeaders());
    let sender = this.replies.get(replyTopic);
    if (!sender) this.replies.set(replyTopic, (sender = new BatchingSender(() => this.producer as unknown as Producer)));
    this.repliesInFlight++;
    try {
      await sender.send(replyTopic, outgoing);
    } finally {
      this.repliesInFlight--;
    }
    return [];
  }

  override async handleMessage(payload: EachMessagePayload): Promise<any> {
    if (!this.metrics) return this.handleInstrumented(payload, () => undefined);
    const started = performance.now();
    let type = '(unknown)';
    let outcome: HandlingOutcome = 'failed';
    try {
      return await this.handleInstrumented(payload, (t, o) => ((type = t), (outcome = o)));
    } finally {
      this.metrics.handled(payload.topic, type, outcome, (performance.now() - started) / 1000);
    }
  }

  private async handleInstrumented(payload: EachMessagePayload, report: (type: string, outcome: HandlingOutcome) => void): Promise<any> {
    const { type, inbound, isRequest, repliable, replyTopic, correlationId, replyPartition } = inspectEnvelope(payload, this.requestTopic);
    if (!inbound.ok) {
      // A type the contracts do not know is one label value, whatever the record's header said.
      report(type && contractOf(type) ? type : '(unknown)', 'invalid');
      const reason = describeRejection(inbound);
      await this.deadLetter(payload, reason);
      if (repliable) {
        const error: CapabilityError = { code: 'INVALID_MESSAGE', status: 400, message: inbound.reason, fields: inbound.fields };
        await this.sendMessage(
          { id: correlationId!, err: error, response: undefined, isDisposed: true },
          replyTopic!,
          replyPartition,
          correlationId!,
        ).catch((err: unknown) => this.log.warn(`无法答复无效请求 (could not answer an invalid request): ${describeError(err)}`));
      }
      return;
    }
    const onRequestTopic = payload.topic === this.requestTopic;

    // A request its caller has given up on (older than the type's timeout): not run — a command
    // retried meanwhile would otherwise run twice; nobody waits for the reply.
    if (isRequest && onRequestTopic) {
      const age = Date.now() - Number(payload.message.timestamp);
      if (age > requestTimeoutOf(type) + EXPIRY_GRACE_MS) {
        this.log.warn(
          `过期请求未执行 (expired request skipped) ${type} ${payload.topic}[${payload.partition}]@${payload.message.offset}: ${age} ms old`,
        );
        report(type, 'expired');
        return;
      }
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
    // NestJS routes by the record's topic: give it the type instead.
    const validated = { ...payload, topic: type, message: { ...payload.message, value: Buffer.from(JSON.stringify(inbound.value)) } };
    // Handled within the sender's trace (its traceparent header), as a span of its own.
    return inSpan(
      `process ${type}`,
      SpanKind.CONSUMER,
      {
        'messaging.system': 'kafka',
        'messaging.destination.name': payload.topic,
        'messaging.operation.type': 'process',
        'gmp.message_type': type,
        'gmp.correlation_id': context.correlationId,
      },
      () =>
        runWithContext(context, async () => {
          // A request is answered either way (its result or its problem): 'ok' says it was answered.
          if (isRequest) return super.handleMessage(validated).then((r: unknown) => (report(type, 'ok'), r));
          const failure = await this.attempts(payload.topic, () => super.handleMessage(validated));
          report(type, failure === null ? 'ok' : 'failed');
          if (failure !== null) await this.deadLetter(payload, failure);
        }),
      contextFromHeaders(payload.message.headers as Record<string, unknown> | undefined),
    );
  }

  /**
   * A batch handler's share of a fetched batch (see EventBatchPattern): invalid records
   * dead-lettered, the valid ones handed over in one call — retried, and after EVENT_ATTEMPTS
   * failures that are not transient, one by one so that only the offending record is dead-lettered.
   */
  private async handleEventBatch(payloads: EachMessagePayload[]): Promise<void> {
    const valid: { payload: EachMessagePayload; value: object }[] = [];
    for (const payload of payloads) {
      const { inbound } = inspectEnvelope(payload, this.requestTopic);
      if (inbound.ok) valid.push({ payload, value: inbound.value });
      else await this.deadLetter(payload, describeRejection(inbound));
    }
    if (valid.length === 0) return;
    const topic = payloads[0]!.topic;
    const run = (values: object[]) =>
      this.handleEvent(
        topic,
        { pattern: topic, data: values },
        new KafkaContext([payloads[0]!.message, payloads[0]!.partition, topic, this.consumer!, payloads[0]!.heartbeat, this.producer!]),
      );
    const failure = await runWithContext({ correlationId: correlationIdFrom(undefined) }, () =>
      this.attempts(topic, () => run(valid.map((v) => v.value))),
    );
    if (failure === null) return;
    if (valid.length === 1) return this.deadLetter(valid[0]!.payload, failure);
    this.log.warn(`批量处理失败，逐条重试 (batch handler failed: retrying its ${valid.length} events one by one) on ${topic}`);
    for (const { payload, value } of valid) {
      const one = await this.attempts(topic, () => run([value]));
      if (one !== null) await this.deadLetter(payload, one);
      // Thousands of events one by one, each possibly retried: the group must keep this member meanwhile.
      await payload.heartbeat().catch(() => undefined); // a rebalance under way: the loop goes on, the offsets tell
    }
  }

  /** Runs an event handler up to EVENT_ATTEMPTS times: null once it succeeds, the reason after the last failure. Transient errors are thrown (the batch waits and is retried). */
  private async attempts(topic: string, run: () => Promise<unknown>): Promise<string | null> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= EVENT_ATTEMPTS; attempt++) {
      try {
        await run();
        return null;
      } catch (err) {
        // Database or network down: not the message's fault. Leave it unresolved so the
        // batch is retried (the partition waits) instead of dead-lettering it.
        if (isTransientError(err)) throw err;
        lastError = err;
        this.log.warn(`事件处理失败，重试 (event handler failed, attempt ${attempt}/${EVENT_ATTEMPTS}) on ${topic}: ${describeError(err)}`);
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
    return `处理失败 (handler failed ${EVENT_ATTEMPTS} times): ${describeError(lastError)}`;
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
    this.metrics?.deadLettered(payload.topic);
  }
}
