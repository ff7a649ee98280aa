import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type LicenceChangedEvent, Topic } from '@gmp/contracts';
import { quoteTablePath } from '@gmp/messaging';
import { LicenceIndexEntry } from './licence-index.entity.js';

/** Keeps the licence index current: one upsert per event, never moved back by an older or replayed event. */
@Controller()
export class LicenceIndexHandler {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @EventPattern(Topic.LicenceChanged)
  async onChanged(@Payload() e: LicenceChangedEvent): Promise<void> {
    const table = quoteTablePath(this.dataSource.getRepository(LicenceIndexEntry).metadata.tablePath);
    await this.dataSource.query(
      `INSERT INTO ${table} AS i (licence_id, type_code, holder_key, holder_type, issuer_code, status, valid_until, changed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (licence_id) DO UPDATE SET status = EXCLUDED.status, valid_until = EXCLUDED.valid_until, changed_at = EXCLUDED.changed_at
       WHERE i.changed_at <= EXCLUDED.changed_at`,
      [e.licenceId, e.typeCode, e.holderKey, e.holderType, e.issuerCode, e.status, e.validUntil ?? null, e.at],
    );
  }
}
