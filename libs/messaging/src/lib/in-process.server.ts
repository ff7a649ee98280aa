import { Logger } from '@nestjs/common';
import { BaseRpcContext, type CustomTransportStrategy, Server } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { type CapabilityError, contractOf, PLATFORM_SERVICES } from '@gmp/contracts';
import { correlationIdFrom, runWithContext } from '@gmp/observability';
import { isBatchHandler } from './event-batch.decorator.js';
import { decodeInbound, describeRejection } from './inbound-message.js';
import { type InProcessBroker, inProcessBroker } from './in-process.broker.js';

const EVENT_ATTEMPTS = 3;

/**
 * NestJS transport strategy for standalone mode: registers the service's @MessagePattern and
 * @EventPattern handlers with the in-process broker. Validation, dead-lettering and retries
 * follow the same rules as GovKafkaServer.
 */
export class InProcessServer extends Server implements CustomTransportStrategy {
  private readonly log = new Logger('InProcessServer');

  constructor(
    private readonly group: string,
    private readonly broker: InProcessBroker = inProcessBroker,
  ) {
    super();
  }

  listen(callback: (...optionalParams: unknown[]) => unknown): void {
    // As on Kafka (GovKafkaServer): a platform service serves only the request types it owns.
    for (const pattern of this.messageHandlers.keys()) {
      const contract = contractOf(String(pattern));
      if (contract?.kind === 'request' && PLATFORM_SERVICES.includes(this.group) && contract.owner !== this.group) {
        return void callback(
          new Error(`请求类型 ${String(pattern)} 属于 ${contract.owner}，不由 ${this.group} 处理 (request type owned by another service)`),
        );
      }
    }
    for (const [pattern, handler] of this.messageHandlers) {
      const topic = typeof pattern === 'string' ? pattern : String(pattern);
      this.broker.register(topic, this.group, (value) =>
        handler.isEventHandler ? this.onEvent(topic, value) : this.onRequest(topic, value),
      );
    }
    callback();
  }

  close(): void {
    this.broker.unregister(this.group);
  }

  on(): never {
    throw new Error('InProcessServer does not emit events');
  }

  unwrap<T>(): T {
    return this.broker as T;
  }

  private async onRequest(topic: string, value: string): Promise<unknown> {
    const inbound = decodeInbound(topic, value);
    if (!inbound.ok) {
      this.broker.deadLetter({ topic, group: this.group, value, error: describeRejection(inbound) });
      const error: CapabilityError = { code: 'INVALID_MESSAGE', status: 400, message: inbound.reason, fields: inbound.fields };
      throw error;
    }
    return runWithContext(this.contextOf(inbound.meta), async () => {
      const handler = this.getHandlerByPattern(topic)!;
      const result = await handler(inbound.value, new BaseRpcContext([topic]));
      return lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
    });
  }

  private async onEvent(topic: string, value: string): Promise<void> {
    const inbound = decodeInbound(topic, value);
    if (!inbound.ok) {
      this.broker.deadLetter({ topic, group: this.group, value, error: describeRejection(inbound) });
      return;
    }
    await runWithContext(this.contextOf(inbound.meta), async () => {
      const handler = this.getHandlerByPattern(topic)!;
      // A batch handler (EventBatchPattern) gets its events as a list: here, of one.
      const data = isBatchHandler(handler) ? [inbound.value] : inbound.value;
      let lastError: unknown;
      for (let attempt = 1; attempt <= EVENT_ATTEMPTS; attempt++) {
        try {
          const result = await handler(data, new BaseRpcContext([topic]));
          await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
          return;
        } catch (err) {
          lastError = err;
          this.log.warn(`事件处理失败，重试 (event handler failed, attempt ${attempt}/${EVENT_ATTEMPTS}) on ${topic}`);
          await new Promise((r) => setTimeout(r, 50 * attempt));
        }
      }
      // No durable dead-letter topic in standalone mode: fail the delivery so the event stays
      // in the sender's outbox and is retried, rather than keeping it only in memory.
      throw lastError;
    });
  }

  private contextOf(meta: { correlationId?: string; app?: string; endUser?: string; purpose?: string; caseId?: string } | undefined) {
    return {
      correlationId: correlationIdFrom(meta?.correlationId),
      app: meta?.app,
      endUser: meta?.endUser,
      purpose: meta?.purpose,
      caseId: meta?.caseId,
    };
  }
}
