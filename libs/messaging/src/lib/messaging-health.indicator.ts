import { OutboxService } from './outbox.service.js';
import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Kafka } from 'kafkajs';
import { CapabilityClient } from './capability.client.js';
import { kafkaClientConfig } from './kafka-config.js';
import { MESSAGING_OPTIONS, type MessagingOptions } from './messaging.options.js';

/** Readiness of the message transport: broker reachable and reply consumers assigned. */
@Injectable()
export class MessagingHealthIndicator {
  constructor(
    private readonly indicator: HealthIndicatorService,
    private readonly client: CapabilityClient,
    private readonly outbox: OutboxService,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  async check(key = 'messaging') {
    const check = this.indicator.check(key);
    const transport = this.options.transport;
    // Events accepted but not relayed: the service must not look ready while its outbox is stuck.
    const relay = this.outbox.relayHealth();
    if (!relay.ok)
      return check.down({
        transport,
        message: `事件转发已连续失败 ${Math.round(relay.failingForMs / 1000)} 秒 (outbox relay failing): ${relay.lastError ?? ''}`.trim(),
      });
    if (transport === 'inprocess') return check.up({ transport });
    const admin = new Kafka({
      ...kafkaClientConfig(`${this.options.service}-health`, this.options.brokers),
      retry: { retries: 0 },
    }).admin();
    try {
      await withTimeout(
        admin.connect().then(() => admin.describeCluster()),
        2000,
      );
    } catch (err) {
      return check.down({ transport, message: `Kafka 不可达 (broker unreachable): ${(err as Error).message}` });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (!this.client.isReady()) return check.down({ transport, message: '应答主题分区未分配 (reply partitions not assigned yet)' });
    return check.up({ transport });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`timeout ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
