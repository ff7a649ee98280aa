import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { derivedEventId } from '@gmp/messaging';
import { CatalogueService } from '../../../catalogue/catalogue.service.js';
import type { RecordOrigin } from '../../ingestion.entities.js';
import type { QualityReason } from '../../quality-rules.js';
import { QuarantineStoreService } from '../../quarantine-store.service.js';
import { RecordReaderService } from '../../record-reader.service.js';
import { type CheckedRecord, RecordStoreService, type StoreOutcome } from '../../record-store.service.js';
import { UniquenessCheckService } from '../../uniqueness-check.service.js';

/** One record as a department sends it (over Kafka, in an HTTP batch, or corrected from the quarantine). */
export interface IngestRecordCommand {
  resourceCode: string;
  department: string;
  /** ISO 8601, when the record changed at its source. */
  updatedAt: string;
  record: unknown;
  origin: RecordOrigin;
}

export type IngestOutcome = StoreOutcome | { status: 'quarantined'; quarantineId: string; reasons: QualityReason[] };

/**
 * Ingests one record (归集): the resource looked up in the catalogue, the sender checked against
 * its provider, the record against the schema and quality rules and, for unique items, against
 * the stored records. A record that passes is stored with history; one that fails goes to the
 * quarantine with every reason — never dropped. Runs in the caller's transaction when given one
 * (the Kafka handler's, so the event's "processed" mark commits with its effect).
 */
@Injectable()
export class IngestRecord {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalogue: CatalogueService,
    private readonly store: RecordStoreService,
    private readonly reader: RecordReaderService,
    private readonly uniqueness: UniquenessCheckService,
    private readonly quarantine: QuarantineStoreService,
  ) {}

  /** The reasons the record fails, before the store is asked (unique items are checked in `execute`). */
  async reasonsAgainst(cmd: Omit<IngestRecordCommand, 'origin'>, receivedAt: Date, m: EntityManager) {
    const found = await this.catalogue.find(cmd.resourceCode, m);
    if (!found)
      return { found, reasons: [reason('resource', `目录中没有该资源 (no such resource in the catalogue): ${cmd.resourceCode}`)] };
    const reasons: QualityReason[] = [];
    if (found.resource.status !== 'active') reasons.push(reason('resource', '资源已停用，不再归集 (the resource is retired)'));
    if (cmd.department !== found.resource.providerDepartment)
      reasons.push(
        reason('provider', `${cmd.department} 不是该资源的提供部门 (not the resource’s provider: ${found.resource.providerDepartment})`),
      );
    const updatedAt = new Date(cmd.updatedAt);
    if (Number.isNaN(updatedAt.getTime())) reasons.push(reason('updatedAt', 'updatedAt 不是有效时间 (not a valid time)'));
    else if (updatedAt.getTime() > receivedAt.getTime() + 5 * 60_000)
      reasons.push(reason('updatedAt', 'updatedAt 晚于接收时间 (a change time in the future)'));
    if (!/(Z|[+-]\d{2}:\d{2})$/.test(cmd.updatedAt) || cmd.updatedAt.length > 40)
      reasons.push(reason('updatedAt', 'updatedAt 须为带时区的 ISO 8601 时间 (an ISO 8601 time with its offset)'));
    reasons.push(...found.checks.check(cmd.record, receivedAt));
    const key = (cmd.record as Record<string, unknown> | null)?.[found.checks.keyItem];
    if (key !== undefined && key !== null && String(key).length > 64)
      reasons.push({
        rule: 'length',
        item: found.checks.keyItem,
        message: '主键数据项最长 64 个字符 (a key item is at most 64 characters)',
      });
    return { found, reasons };
  }

  /** Every check of a record, the store's uniqueness included: the record ready to store, or the reasons it is not. */
  async check(cmd: IngestRecordCommand, receivedAt: Date, m: EntityManager) {
    return (await this.checkMany([cmd], receivedAt, m))[0]!;
  }

  /**
   * `check` for a list, as if stored in order. A record whose only fault is a unique value taken
   * by one earlier in the list is `deferred` (when asked for): checked again once the rest is stored,
   * since that earlier one may turn out stale, or move the value away.
   */
  async checkMany(cmds: IngestRecordCommand[], receivedAt: Date, m: EntityManager, deferListClashes = false) {
    const results = [];
    for (const cmd of cmds) {
      const { found, reasons } = await this.reasonsAgainst(cmd, receivedAt, m);
      const checked: CheckedRecord | null = found && {
        checks: found.checks,
        department: cmd.department,
        updatedAt: new Date(cmd.updatedAt),
        record: cmd.record as Record<string, unknown>,
        origin: cmd.origin,
      };
      results.push({ found, checked, reasons, deferred: false });
    }
    const candidates = results.filter((r) => r.checked && r.reasons.length === 0);
    const inList = deferListClashes ? new Set<number>() : undefined;
    const unique = await this.uniqueness.uniquenessReasonsOfMany(
      m,
      candidates.map((r) => r.checked!),
      inList,
    );
    for (const [i, r] of candidates.entries()) {
      r.reasons.push(...unique[i]!);
      r.deferred = inList?.has(i) ?? false;
    }
    return results;
  }

  async execute(cmd: IngestRecordCommand, manager?: EntityManager): Promise<IngestOutcome> {
    return (await this.executeMany([cmd], manager))[0]!;
  }

  /**
   * Ingests records as if one by one, in a few statements (the Kafka handler passes a fetched
   * batch, the HTTP backfill its request): each stored or quarantined, in one transaction.
   * A record with an `eventId` is quarantined under it, once, however often it is delivered.
   */
  async executeMany(cmds: (IngestRecordCommand & { eventId?: string })[], manager?: EntityManager): Promise<IngestOutcome[]> {
    const receivedAt = new Date();
    const run = (m: EntityManager) => this.apply(m, cmds, receivedAt, true);
    return manager ? run(manager) : this.dataSource.transaction(run);
  }

  private async apply(
    m: EntityManager,
    cmds: (IngestRecordCommand & { eventId?: string })[],
    receivedAt: Date,
    deferListClashes: boolean,
  ): Promise<IngestOutcome[]> {
    const checks = await this.checkMany(cmds, receivedAt, m, deferListClashes);
    let failing = checks.flatMap((c, i) => (!c.checked || c.reasons.length > 0 ? [i] : []));
    const passing = checks.flatMap((c, i) => (c.checked && c.reasons.length === 0 && !c.deferred ? [i] : []));
    const outcomes: IngestOutcome[] = new Array(cmds.length);
    // A redelivered event (no processed mark: storing is idempotent) that today's checks refuse but
    // that was stored before, exactly: applied already, not a quarantine entry.
    // Only records failing the resource's quality rules: a sender that is not the provider (or a retired resource) is always quarantined.
    const redelivered = failing.filter(
      (i) =>
        cmds[i]!.eventId &&
        checks[i]!.found &&
        isRecord(cmds[i]!.record) &&
        checks[i]!.reasons.every((r) => !['provider', 'resource', 'updatedAt'].includes(r.rule)),
    );
    if (redelivered.length > 0) {
      const before = await this.reader.appliedBefore(
        m,
        redelivered.map((i) => ({
          code: checks[i]!.found!.resource.code,
          keyItem: checks[i]!.found!.checks.keyItem,
          record: cmds[i]!.record as Record<string, unknown>,
          updatedAt: new Date(cmds[i]!.updatedAt),
        })),
      );
      const applied = new Set(redelivered.filter((_, n) => before[n]));
      for (const i of applied) outcomes[i] = { status: 'unchanged' };
      failing = failing.filter((i) => !applied.has(i));
    }
    const ids = await this.quarantine.quarantineMany(
      m,
      failing.map((i) => ({ ...cmds[i]!, id: quarantineIdOf(cmds[i]!), reasons: checks[i]!.reasons })),
      receivedAt,
    );
    for (const [n, i] of failing.entries()) outcomes[i] = { status: 'quarantined', quarantineId: ids[n]!, reasons: checks[i]!.reasons };
    const stored = await this.store.storeMany(
      m,
      passing.map((i) => checks[i]!.checked!),
      receivedAt,
    );
    for (const [n, i] of passing.entries()) outcomes[i] = stored[n]!;
    // A unique value an earlier record of the list took: checked again, one at a time, against what is stored now.
    for (const [i, c] of checks.entries()) if (c.deferred) outcomes[i] = (await this.apply(m, [cmds[i]!], receivedAt, false))[0]!;
    return outcomes;
  }
}

/**
 * A Kafka record's quarantine entry id, derived from its event id with its department and
 * resource: a redelivery finds its own entry, and an event id another publisher also used (by
 * mistake or on purpose) cannot land on someone else's entry.
 */
function quarantineIdOf(cmd: IngestRecordCommand & { eventId?: string }): string | undefined {
  return cmd.eventId ? derivedEventId(cmd.eventId, `quarantine|${cmd.department}|${cmd.resourceCode}`) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function reason(rule: string, message: string): QualityReason {
  return { rule, item: null, message };
}
