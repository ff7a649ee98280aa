import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, MoreThan } from 'typeorm';
import type { CallMeta, DataPrefillInput, DataPrefillReply, PrefilledField, RefusedField } from '@gmp/contracts';
import type { DataItemBody } from '../../../catalogue/catalogue.dto.js';
import { CatalogueService } from '../../../catalogue/catalogue.service.js';
import { OpenCorrections } from '../../../corrections/open-corrections.service.js';
import { DataAccessLogService } from '../../../data-access/data-access-log.service.js';
import { RecordReaderService } from '../../../ingestion/record-reader.service.js';
import { maskValue } from '../../masking.js';
import { DataShare } from '../../sharing.entities.js';

interface Source {
  share: DataShare;
  resourceName: string;
  keyItem: string;
  item: DataItemBody;
}

/**
 * 免填写 (form prefill): for each data element a form asks, the value from a resource the calling
 * app holds a current grant for (the item carrying that data element, granted), with where it
 * comes from and a lock (values published by the responsible department are verified and not
 * editable by the applicant). Where several grants cover an element, the most recently changed
 * record wins. Every element not filled comes back with its reason; each resource read is one
 * record in the subject's "who used my data" (the grant as basis, the caller's case number).
 */
@Injectable()
export class PrefillForm {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalogue: CatalogueService,
    private readonly records: RecordReaderService,
    private readonly log: DataAccessLogService,
    private readonly corrections: OpenCorrections,
  ) {}

  async execute(meta: CallMeta, input: DataPrefillInput): Promise<DataPrefillReply> {
    const wanted = [...new Set(input.dataElements)];
    const shares = await this.dataSource
      .getRepository(DataShare)
      .find({ where: { appKey: meta.app, status: 'approved', validUntil: MoreThan(new Date()) }, order: { decidedAt: 'DESC' }, take: 200 });
    const sources = new Map<string, Source[]>();
    for (const share of shares) {
      const found = await this.catalogue.find(share.resourceCode);
      if (!found) continue;
      for (const item of found.resource.definition.items)
        if (item.dataElement && wanted.includes(item.dataElement) && share.items.includes(item.code)) {
          const list = sources.get(item.dataElement) ?? [];
          list.push({ share, resourceName: found.resource.name, keyItem: found.resource.definition.keyItem, item });
          sources.set(item.dataElement, list);
        }
    }
    // One read per resource a value is taken from (recorded once per resource).
    const records = new Map<string, Awaited<ReturnType<RecordReaderService['current']>>>();
    const read = async (share: DataShare) => {
      if (!records.has(share.id))
        records.set(share.id, await this.records.current(this.dataSource.manager, share.resourceCode, input.subjectId));
      return records.get(share.id)!;
    };
    const fields: PrefilledField[] = [];
    const refused: RefusedField[] = [];
    // Items the subject disputed, with the correction request still open.
    const disputed = sources.size > 0 ? await this.corrections.of(this.records.keyOf(input.subjectId)) : new Set<string>();
    const used = new Map<string, { share: DataShare; items: number }>();
    for (const element of wanted) {
      const candidates = sources.get(element) ?? [];
      if (candidates.length === 0) {
        refused.push({ dataElement: element, reason: 'NO_GRANT' });
        continue;
      }
      let best: { source: Source; value: unknown; updatedAt: Date } | null = null;
      let anyRecord = false;
      for (const source of candidates) {
        const row = await read(source.share);
        if (!row) continue;
        anyRecord = true;
        const value = source.item.code === source.keyItem ? input.subjectId : row.values[source.item.code];
        if (value === undefined || value === null || value === '') continue;
        if (!best || row.sourceUpdatedAt > best.updatedAt) best = { source, value, updatedAt: row.sourceUpdatedAt };
      }
      for (const source of candidates)
        if (records.get(source.share.id)) used.set(source.share.id, { share: source.share, items: used.get(source.share.id)?.items ?? 0 });
      if (!best) {
        refused.push({ dataElement: element, reason: anyRecord ? 'NO_VALUE' : 'NO_RECORD' });
        continue;
      }
      const { source } = best;
      used.set(source.share.id, { share: source.share, items: (used.get(source.share.id)?.items ?? 0) + 1 });
      fields.push({
        dataElement: element,
        fieldValue: source.share.plainValues ? best.value : maskValue(source.item, best.value),
        masked: !source.share.plainValues,
        locked: true,
        ...(disputed.has(`${source.share.resourceCode}|${source.item.code}`) ? { disputed: true } : {}),
        provenance: {
          resourceCode: source.share.resourceCode,
          resourceName: source.resourceName,
          department: source.share.ownerDepartment,
          updatedAt: best.updatedAt.toISOString(),
          verified: true,
        },
      });
    }
    for (const { share, items } of used.values())
      await this.log.record(
        {
          meta,
          subjectId: input.subjectId,
          resource: share.resourceCode,
          outcome: 'READ',
          itemCount: items,
          basis: { code: `grant:${share.id}`, title: share.legalBasis },
          department: share.applicantDepartment,
          processing: 'data-prefill',
        },
        `data-prefill-${share.id}`,
      );
    return { fields, refused };
  }
}
