import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type CallMeta, type PopulationVerifyReply, subjectKeyOf } from '@gmp/contracts';
import { derivedEventId, IdempotentConsumerService } from '@gmp/messaging';
import { ServiceConfig } from '@gmp/service-kit';
import { DataAccessRecord } from '../data-access/data-access-record.entity.js';
import { PopulationPerson } from './population-person.entity.js';

const GROUP = 'data-platform';

/** The population base library (人口基础库): name + ID number checks, each one recorded as a use of the person's data. */
@Injectable()
export class PopulationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ServiceConfig,
    private readonly once: IdempotentConsumerService,
  ) {}

  /** Adds or replaces a record (ingestion and the demo seed). */
  async upsert(idNumber: string, name: string, source: string, status: PopulationPerson['status'] = 'normal'): Promise<void> {
    await this.dataSource
      .getRepository(PopulationPerson)
      .upsert({ idKey: this.key(idNumber), idMasked: `${idNumber.slice(0, 6)}********${idNumber.slice(-4)}`, name, status, source }, [
        'idKey',
      ]);
  }

  /** One answer per request: a replayed request is answered again but recorded once (who, why, when). */
  async verify(meta: CallMeta, name: string, idNumber: string): Promise<PopulationVerifyReply> {
    const idKey = this.key(idNumber);
    const person = await this.dataSource.getRepository(PopulationPerson).findOneBy({ idKey });
    await this.once.insertOnce(GROUP, derivedEventId(meta.messageId, 'population-verify'), DataAccessRecord, {
      eventId: derivedEventId(meta.messageId, 'population-verify'),
      subjectKey: idKey,
      resource: 'population-base',
      provider: 'data-platform',
      app: meta.app,
      endUser: meta.endUser ?? null,
      purpose: meta.purpose ?? null,
      caseId: meta.caseId ?? null,
      legalBasis: meta.legalBasis ?? null,
      legalBasisTitle: meta.legalBasisTitle ?? null,
      outcome: 'READ',
      correlationId: meta.correlationId,
      itemCount: person ? 1 : 0,
      accessedAt: new Date(),
    });
    if (!person) return { result: 'NO_RECORD' };
    return { result: person.name === name.trim() ? 'MATCH' : 'NAME_MISMATCH', status: person.status };
  }

  private key(idNumber: string): string {
    return subjectKeyOf(idNumber.toUpperCase(), this.config.SUBJECT_KEY_SECRET);
  }
}
