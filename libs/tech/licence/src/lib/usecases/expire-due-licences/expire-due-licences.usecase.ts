import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { CallMeta } from '@gmp/contracts';
import { derivedEventId, quoteTablePath } from '@gmp/messaging';
import { LicenceEventsService } from '../../licence-events.service.js';
import { Licence } from '../../licence.entity.js';

/**
 * Marks licences whose validity ended as expired and announces each (the data platform's
 * index learns of it); runs hourly and at start (LicenceExpiryJob). Each licence is announced once.
 * No command: the sweep takes no input.
 */
@Injectable()
export class ExpireDueLicences {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: LicenceEventsService,
  ) {}

  /** The number of licences marked expired by this run. */
  async execute(): Promise<number> {
    const ids: { licence_id: string }[] = await this.dataSource.query(
      `SELECT licence_id FROM ${quoteTablePath(this.dataSource.getRepository(Licence).metadata.tablePath)} WHERE status = 'valid' AND valid_until < current_date LIMIT 1000`,
    );
    let n = 0;
    for (const { licence_id } of ids) {
      await this.dataSource.transaction(async (m) => {
        const res = await m.update(Licence, { licenceId: licence_id, status: 'valid' }, { status: 'expired' });
        if (!res.affected) return; // another instance got there first
        const meta: CallMeta = {
          messageId: derivedEventId(licence_id, 'licence-expired'),
          correlationId: `licence-expiry.${Date.now()}`,
          app: 'tech-capabilities',
          sentAt: new Date().toISOString(),
        };
        await this.events.announce(m, meta, 'expired', await m.findOneByOrFail(Licence, { licenceId: licence_id }), meta.messageId);
        n++;
      });
    }
    return n;
  }
}
