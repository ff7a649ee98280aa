import { todayInChina } from '@gmp/gov-standards';
import { WorkingDaysClient } from '@gmp/messaging';
import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import type { CallMeta, DataDisputeInput, DataDisputeReply } from '@gmp/contracts';
import { CatalogueService } from '../../../catalogue/catalogue.service.js';
import { CallerSubjectService } from '../../../data-access/caller-subject.service.js';
import { RecordReaderService } from '../../../ingestion/record-reader.service.js';
import { DataCorrection } from '../../corrections.entities.js';
import { CorrectionsProblem } from '../../corrections.problems.js';

/** The department answers a correction request within this many working days. */
export const ANSWER_WITHIN_WORKING_DAYS = 10;
/** What a company's agent must be authorised for to dispute the company's data. */
const AGENT_SCOPE = 'data:correct';

/**
 * 数据纠错: the signed-in applicant disputes a value the platform prefilled. The subject is the
 * caller's own (from identity), never one typed in the input; the resource must hold a record of
 * theirs with an item carrying the data element. The request goes to the resource's provider
 * department, due in 10 working days; disputing the same element again while it is open returns
 * that request.
 */
@Injectable()
export class DisputeValue {
  private readonly log = new Logger('Corrections');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly subjects: CallerSubjectService,
    private readonly catalogue: CatalogueService,
    private readonly records: RecordReaderService,
    private readonly workingDays: WorkingDaysClient,
  ) {}

  async execute(meta: CallMeta, input: DataDisputeInput): Promise<DataDisputeReply> {
    const subjectKey = await this.subjects.keyOf(meta, input.company ? { creditCode: input.company, scope: AGENT_SCOPE } : undefined);
    const found = await this.catalogue.find(input.resourceCode);
    if (!found) throw CorrectionsProblem.RESOURCE_NOT_FOUND(input.resourceCode);
    const item = found.resource.definition.items.find((i) => i.dataElement === input.dataElement);
    if (!item) throw CorrectionsProblem.ELEMENT_NOT_IN_RESOURCE(`${input.resourceCode}: ${input.dataElement}`);
    const record = await this.records.currentOfKey(this.dataSource.manager, found.resource.code, subjectKey);
    if (!record) throw CorrectionsProblem.NO_RECORD(found.resource.code);
    const open = () =>
      this.dataSource
        .getRepository(DataCorrection)
        .findOneBy({ subjectKey, resourceCode: found.resource.code, item: item.code, status: 'open' });
    const existing = await open();
    if (existing) return reply(existing, true);
    const due = await this.workingDays.deadline(todayInChina(new Date()), ANSWER_WITHIN_WORKING_DAYS);
    const correction: DataCorrection = {
      id: randomUUID(),
      resourceCode: found.resource.code,
      subjectKey,
      subjectMasked: record.keyMasked,
      item: item.code,
      // The key item itself is not stored in the record's values (only its keyed hash and masked form).
      currentValue: item.code === found.resource.definition.keyItem ? record.keyMasked : (record.values[item.code] ?? null),
      dataElement: input.dataElement,
      proposedValue: input.proposedValue,
      reason: input.reason,
      ownerDepartment: found.resource.providerDepartment,
      app: meta.app,
      requestedBy: meta.endUser!.slice(0, 128),
      caseId: meta.caseId?.slice(0, 64) ?? null,
      status: 'open',
      dueOn: due.due,
      provisional: due.provisional,
      createdAt: new Date(),
      decidedAt: null,
      decidedBy: null,
      decisionReason: null,
    };
    // Two disputes of one element at once: the unique index on open requests keeps one; the other answers with it.
    const inserted = await this.dataSource
      .getRepository(DataCorrection)
      .createQueryBuilder()
      .insert()
      .values(correction as QueryDeepPartialEntity<DataCorrection>)
      .orIgnore()
      .returning(['id'])
      .execute();
    if ((inserted.raw as unknown[]).length === 0) return reply((await open())!, true);
    this.log.log(
      `纠错申请 ${correction.id}: ${correction.resourceCode}.${correction.item} → ${correction.ownerDepartment}, due ${correction.dueOn}`,
    );
    return reply(correction, false);
  }
}

function reply(c: DataCorrection, existing: boolean): DataDisputeReply {
  return {
    id: c.id,
    status: c.status,
    resourceCode: c.resourceCode,
    item: c.item,
    ownerDepartment: c.ownerDepartment,
    dueOn: c.dueOn,
    existing,
  };
}
