import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, MoreThan } from 'typeorm';
import {
  type CallMeta,
  type DataExistsInput,
  type DataExistsReply,
  type DataItemInput,
  type DataItemReply,
  type DataReadInput,
  type DataReadReply,
} from '@gmp/contracts';
import type { DataItemBody } from '../../../catalogue/catalogue.dto.js';
import { CatalogueService } from '../../../catalogue/catalogue.service.js';
import { DataAccessLogService } from '../../../data-access/data-access-log.service.js';
import { RecordReaderService } from '../../../ingestion/record-reader.service.js';
import { maskKindOf, maskValue } from '../../masking.js';
import { ItemUseCounter } from '../../item-use-counter.service.js';
import { DataShare } from '../../sharing.entities.js';
import { SharingProblem } from '../../sharing.problems.js';

interface Granted {
  share: DataShare;
  items: Map<string, DataItemBody>;
  keyItem: string;
}

/**
 * The data services (数据服务) over an approved grant: `read` (the granted items), `exists` (yes or
 * no, nothing else) and `item` (one granted item). The grant must be the calling app's, approved
 * and current; values are masked by the items' rules unless the grant allows plain values. Every
 * call — read or refused — is one record in the subject's "who used my data", with the grant as
 * its basis and the caller's case number; the items read are noted for the least-privilege report.
 */
@Injectable()
export class ReadSharedData {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalogue: CatalogueService,
    private readonly log: DataAccessLogService,
    private readonly records: RecordReaderService,
    private readonly uses: ItemUseCounter,
  ) {}

  async read(meta: CallMeta, input: DataReadInput): Promise<DataReadReply> {
    const g = await this.grant(meta, input, 'read');
    const row = await this.record(g, input.subjectId);
    if (!row) {
      await this.note(meta, input, g, 'READ', [], 'read');
      throw SharingProblem.NO_RECORD(g.share.resourceCode);
    }
    const items = Object.fromEntries(
      g.share.items.map((code) => [code, this.value(g, code, code === g.keyItem ? input.subjectId : row.values[code])]),
    );
    await this.note(meta, input, g, 'READ', g.share.items, 'read');
    return {
      resourceCode: g.share.resourceCode,
      items,
      masked: !g.share.plainValues,
      version: row.version,
      updatedAt: row.sourceUpdatedAt.toISOString(),
    };
  }

  async exists(meta: CallMeta, input: DataExistsInput): Promise<DataExistsReply> {
    const g = await this.grant(meta, input, 'exists');
    const asked = Object.keys(input.match ?? {});
    const outside = asked.filter((i) => !g.share.items.includes(i));
    if (outside.length > 0) {
      await this.note(meta, input, g, 'REFUSED', [], 'exists');
      throw SharingProblem.ITEM_NOT_GRANTED(outside.join(', '));
    }
    // Matching a masked item against guesses would reveal it one guess at a time: only items the grant shows in plain.
    const masked = g.share.plainValues ? [] : asked.filter((i) => maskKindOf(g.items.get(i) ?? { personal: 'sensitive' }) !== 'none');
    if (masked.length > 0) {
      await this.note(meta, input, g, 'REFUSED', [], 'exists');
      throw SharingProblem.MATCH_ON_MASKED_ITEM(masked.join(', '));
    }
    const row = await this.record(g, input.subjectId);
    const exists =
      row !== null && asked.every((i) => String(i === g.keyItem ? input.subjectId : row.values[i]) === String(input.match![i]));
    await this.note(meta, input, g, 'READ', asked, 'exists');
    return { exists };
  }

  async item(meta: CallMeta, input: DataItemInput): Promise<DataItemReply> {
    const g = await this.grant(meta, input, 'item');
    if (!g.share.items.includes(input.item)) {
      await this.note(meta, input, g, 'REFUSED', [], 'item');
      throw SharingProblem.ITEM_NOT_GRANTED(input.item);
    }
    const row = await this.record(g, input.subjectId);
    await this.note(meta, input, g, 'READ', row ? [input.item] : [], 'item');
    if (!row) throw SharingProblem.NO_RECORD(g.share.resourceCode);
    const raw = input.item === g.keyItem ? input.subjectId : row.values[input.item];
    return { item: input.item, itemValue: this.value(g, input.item, raw) ?? null, masked: !g.share.plainValues };
  }

  /** The caller's usable grant, or the refusal (recorded: the subject sees who tried). */
  private async grant(
    meta: CallMeta,
    input: { grantId?: string; resourceCode?: string; subjectId: string },
    step: string,
  ): Promise<Granted> {
    const share = input.grantId
      ? await this.dataSource.getRepository(DataShare).findOneBy({ id: input.grantId })
      : await this.onlyGrant(meta.app, input.resourceCode!);
    const usable =
      share &&
      share.appKey === meta.app &&
      share.status === 'approved' &&
      share.validUntil &&
      share.validUntil > new Date() &&
      (input.resourceCode === undefined || share.resourceCode === input.resourceCode);
    const found = usable ? await this.catalogue.find(share.resourceCode) : null;
    if (!share || !usable || !found) {
      await this.log.record(
        {
          meta,
          subjectId: input.subjectId,
          resource: input.resourceCode ?? share?.resourceCode ?? 'unknown-grant',
          outcome: 'REFUSED',
          itemCount: 0,
        },
        `data-${step}`,
      );
      const named = input.grantId ?? `${meta.app} → ${input.resourceCode}`;
      throw SharingProblem.GRANT_NOT_USABLE(
        !share || share.appKey !== meta.app
          ? named
          : `${named}: ${share.status !== 'approved' ? share.status : share.resourceCode !== (input.resourceCode ?? share.resourceCode) ? 'another resource' : 'expired'}`,
      );
    }
    return { share, items: new Map(found.resource.definition.items.map((i) => [i.code, i])), keyItem: found.resource.definition.keyItem };
  }

  /**
   * By resource: the caller's one current grant on it. Several (each with its own purpose and
   * basis) or one whose reads are hidden from the subject for a while must be named by id — the
   * caller picks the basis, the platform does not guess it.
   */
  private async onlyGrant(app: string, resourceCode: string): Promise<DataShare | null> {
    const current = await this.dataSource
      .getRepository(DataShare)
      .find({ where: { appKey: app, resourceCode, status: 'approved', validUntil: MoreThan(new Date()) }, take: 2 });
    return current.length === 1 && !current[0]!.hideReadsDays ? current[0]! : null;
  }

  private record(g: Granted, subjectId: string) {
    return this.records.current(this.dataSource.manager, g.share.resourceCode, subjectId);
  }

  private value(g: Granted, code: string, raw: unknown): unknown {
    const item = g.items.get(code);
    if (g.share.plainValues) return raw;
    // An item the current catalogue version no longer lists is masked in full, never shown as stored.
    return maskValue(item ?? { mask: 'full', personal: 'sensitive' }, raw);
  }

  private async note(meta: CallMeta, input: { subjectId: string }, g: Granted, outcome: 'READ' | 'REFUSED', items: string[], step: string) {
    await this.log.record(
      {
        meta,
        subjectId: input.subjectId,
        resource: g.share.resourceCode,
        outcome,
        itemCount: items.length,
        basis: { code: `grant:${g.share.id}`, title: g.share.legalBasis },
        department: g.share.applicantDepartment,
        ...(g.share.hideReadsDays && g.share.hideReason
          ? { hidden: { until: new Date(Date.now() + g.share.hideReadsDays * 86_400_000), reason: g.share.hideReason } }
          : {}),
      },
      `data-${step}`,
    );
    this.uses.count(g.share.id, items);
  }
}
