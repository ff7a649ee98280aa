import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ClientKafka, type ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import { type CapabilityError, isCapabilityError, replyTopicOf, type Topic } from '@gmp/contracts';
import { MESSAGING_OPTIONS, type MessagingOptions } from './messaging.options.js';
import { describeError } from './sql.util.js';

export const CAPABILITY_TRANSPORT = Symbol('CAPABILITY_TRANSPORT');

/** The provider did not answer within the capability's timeout. */
export class ProviderTimeoutError extends Error {
  constructor(
    readonly topic: string,
    readonly timeoutMs: number,
  ) {
    super(`能力提供方在 ${timeoutMs} ms 内未应答 (provider did not answer ${topic} within ${timeoutMs} ms)`);
  }
}

/** The provider answered with an error (typed when it is a CapabilityError). */
export class ProviderError extends Error {
  constructor(
    readonly error: CapabilityError | null,
    readonly raw: unknown,
  ) {
    super(error ? error.message : '能力提供方内部错误 (provider failed)');
  }
}

/**
 * Request-reply to capability providers over the configured transport, with a timeout that
 * always fires (no hang) and releases the pending reply slot when it does.
 */
@Injectable()
export class CapabilityClient implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('CapabilityClient');

  constructor(
    @Inject(CAPABILITY_TRANSPORT) private readonly transport: ClientProxy,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    // A service that calls no capability opens no reply consumer (no group, no fetches, no heartbeats).
    if (this.transport instanceof ClientKafka && this.options.requests.length === 0) return;
    if (this.transport instanceof ClientKafka) {
      if (this.options.requests.length > 0) this.transport.subscribeToResponseOf(replyTopicOf(this.options.service));
    }
    await this.transport.connect();
    if (this.transport instanceof ClientKafka && this.options.requests.length > 0) await this.waitForReplyAssignments();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.transport instanceof ClientKafka && this.options.requests.length === 0) return;
    await this.transport.close();
  }

  /** True once replies can be received (the reply consumer has its partitions). */
  isReady(): boolean {
    if (!(this.transport instanceof ClientKafka)) return true;
    const assigned = this.transport.getConsumerAssignments();
    return this.options.requests.length === 0 || assigned[replyTopicOf(this.options.service)] !== undefined;
  }

  async request<T>(topic: Topic, key: string | null, payload: object, timeoutMs: number): Promise<T> {
    const record = this.transport instanceof ClientKafka ? { key, value: payload } : payload;
    // Only declared request types (on every transport, so standalone fails like a cluster would):
    // their topics exist and the reply consumer is subscribed.
    if (!this.options.requests.includes(topic)) {
      throw new ProviderError(
        null,
        new Error(`${this.options.service} 未声明调用 ${topic} (request type not declared in the service definition's requests)`),
      );
    }
    try {
      return await firstValueFrom(this.transport.send<T>(topic, record).pipe(timeout({ first: timeoutMs })));
    } catch (err) {
      if (err instanceof TimeoutError) throw new ProviderTimeoutError(topic, timeoutMs);
      if (isCapabilityError(err)) throw new ProviderError(err, err);
      this.log.warn(`能力调用失败 (capability call failed) ${topic}: ${describeError(err)}`);
      throw new ProviderError(null, err);
    }
  }

  private async waitForReplyAssignments(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (!this.isReady()) {
      if (Date.now() > deadline) throw new Error('应答主题分区未分配 (reply partitions not assigned within 60 s)');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
