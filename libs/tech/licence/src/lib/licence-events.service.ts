import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type CallMeta, type LicenceChangedEvent, Topic } from '@gmp/contracts';
import { derivedEventId, OutboxService } from '@gmp/messaging';
import { statusOf } from './licence-lookup.service.js';
import type { Licence } from './licence.entity.js';

/** Every change of a licence (issued, revoked, annotated, expired) is announced through the outbox so the data platform's licence index stays current. */
@Injectable()
export class LicenceEventsService {
  constructor(private readonly outbox: OutboxService) {}

  /** Writes the LicenceChanged event into the outbox in the change's own transaction (`m`). */
  async announce(m: EntityManager, meta: CallMeta, change: LicenceChangedEvent['change'], l: Licence, eventId?: string): Promise<void> {
    const event: LicenceChangedEvent = {
      meta: { ...meta, messageId: eventId ?? derivedEventId(meta.messageId, `licence-${change}`), sentAt: new Date().toISOString() },
      change,
      licenceId: l.licenceId,
      typeCode: l.typeCode,
      holderKey: l.holderKey,
      holderType: l.holderType,
      issuerCode: l.issuerCode,
      status: statusOf(l),
      ...(l.validUntil ? { validUntil: String(l.validUntil) } : {}),
      at: new Date().toISOString(),
    };
    await this.outbox.enqueue(m, Topic.LicenceChanged, l.holderKey, event);
  }
}
