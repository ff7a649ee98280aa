import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { QuarantineEntry } from '../../ingestion.entities.js';
import { IngestionProblem } from '../../ingestion.problems.js';
import { RecordStoreService, type StoreOutcome } from '../../record-store.service.js';
import { IngestRecord } from '../ingest-record/ingest-record.usecase.js';

export interface ResubmitQuarantinedCommand {
  id: string;
  /** The corrected record (the department's, item code → value). */
  record: Record<string, unknown>;
  /** When the correction was made at the source; the entry's own time when omitted. */
  updatedAt?: string;
  by: string;
}

/**
 * A corrected record re-submitted from the quarantine, replayed through the same checks as on
 * arrival. Passing: stored with history, the entry closed as accepted. Failing again: the entry
 * keeps the corrected record and its new reasons (attempts + 1), and the caller gets them all.
 */
@Injectable()
export class ResubmitQuarantined {
  private readonly log = new Logger('Quarantine');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ingest: IngestRecord,
    private readonly store: RecordStoreService,
  ) {}

  async execute(cmd: ResubmitQuarantinedCommand): Promise<{ id: string; status: 'accepted'; outcome: StoreOutcome }> {
    const result = await this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(QuarantineEntry);
      const entry = await repo.findOne({ where: { id: cmd.id }, lock: { mode: 'pessimistic_write' } });
      if (!entry) throw IngestionProblem.QUARANTINE_ENTRY_NOT_FOUND(cmd.id);
      if (entry.status !== 'open') throw IngestionProblem.QUARANTINE_ENTRY_CLOSED(`${cmd.id}: ${entry.status}`);
      const updatedAt = cmd.updatedAt ?? entry.sourceUpdatedAt ?? '';
      const receivedAt = new Date();
      const sent = {
        resourceCode: entry.resourceCode,
        department: entry.department,
        updatedAt,
        record: cmd.record,
        origin: 'quarantine' as const,
      };
      const { found, checked, reasons } = await this.ingest.check(sent, receivedAt, m);
      if (!found || !checked || reasons.length > 0) {
        await repo.update({ id: entry.id }, { record: cmd.record, sourceUpdatedAt: updatedAt, reasons, attempts: entry.attempts + 1 });
        return { failed: reasons, outcome: null };
      }
      // A correction fixes this record: it may not become another subject's.
      const original = (entry.record as Record<string, unknown> | null)?.[found.checks.keyItem];
      if (original !== undefined && original !== null && String(original) !== String(cmd.record[found.checks.keyItem]))
        throw IngestionProblem.KEY_CHANGED(
          `${found.checks.keyItem}: 更正不能改变记录的主体 (a correction cannot change whose record it is)`,
        );
      const outcome = await this.store.store(m, checked, receivedAt);
      if (outcome.status === 'stale')
        throw IngestionProblem.RECORD_STALE(
          '已有更新的记录；请作废本条或以更晚的 updatedAt 更正 (a newer record is stored: discard this entry, or correct it with a later updatedAt)',
        );
      await repo.update(
        { id: entry.id },
        {
          record: cmd.record,
          sourceUpdatedAt: updatedAt,
          reasons: [],
          attempts: entry.attempts + 1,
          status: 'accepted',
          resolvedAt: receivedAt,
          resolvedBy: cmd.by,
        },
      );
      return { failed: null, outcome };
    });
    if (result.failed)
      throw IngestionProblem.RECORD_STILL_FAILS(
        `${result.failed.length} 处问题 (problems)`,
        result.failed.map((r) => ({ field: r.item ? `record.${r.item}` : r.rule, message: r.message })),
      );
    this.log.log(`问题数据 ${cmd.id} 已更正入库 (corrected and accepted) by ${cmd.by}`);
    return { id: cmd.id, status: 'accepted', outcome: result.outcome! };
  }
}
