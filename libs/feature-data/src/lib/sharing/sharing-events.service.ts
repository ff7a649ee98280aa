import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type DataSharingChangedEvent, type SHARING_CHANGES, Topic } from '@gmp/contracts';
import { OutboxService } from '@gmp/messaging';
import type { DataShare } from './sharing.entities.js';

/** Writes `data.sharing.changed.v1` through the outbox, in the transaction of the change. */
@Injectable()
export class SharingEventsService {
  constructor(private readonly outbox: OutboxService) {}

  async changed(m: EntityManager, share: DataShare, change: (typeof SHARING_CHANGES)[number]): Promise<void> {
    const event: DataSharingChangedEvent = {
      meta: { messageId: randomUUID(), correlationId: share.id, app: 'data-platform', sentAt: new Date().toISOString() },
      applicationId: share.id,
      change,
      resourceCode: share.resourceCode,
      applicantDepartment: share.applicantDepartment,
      ownerDepartment: share.ownerDepartment,
      ...(share.dueOn ? { dueOn: share.dueOn } : {}),
      at: new Date().toISOString(),
    };
    await this.outbox.enqueue(m, Topic.DataSharingChanged, share.id, event);
  }

  wake(): void {
    this.outbox.wake();
  }
}
