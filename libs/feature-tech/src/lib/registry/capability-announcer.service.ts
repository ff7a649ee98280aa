import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type CapabilitiesAnnouncedEvent, capabilitiesOf, Topic } from '@gmp/contracts';
import { OutboxService } from '@gmp/messaging';

const PROVIDER = 'tech-capabilities';

/**
 * At every start, announces the capabilities this service serves — contract, topic, timeout,
 * JSON Schemas, example — to service-dispatch's capability registry (through the outbox, so the
 * announcement is not lost while dispatch or the broker is away).
 */
@Injectable()
export class CapabilityAnnouncerService implements OnApplicationBootstrap {
  private readonly log = new Logger('CapabilityAnnouncer');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const capabilities = capabilitiesOf(PROVIDER);
    const event: CapabilitiesAnnouncedEvent = {
      meta: {
        messageId: randomUUID(),
        correlationId: `capability-announce.${Date.now()}`,
        app: PROVIDER,
        sentAt: new Date().toISOString(),
      },
      provider: PROVIDER,
      capabilities,
    };
    await this.dataSource.transaction((m) => this.outbox.enqueue(m, Topic.CapabilitiesAnnounced, PROVIDER, event));
    this.outbox.wake();
    this.log.log(`能力已登记 (capabilities announced): ${capabilities.length}`);
  }
}
