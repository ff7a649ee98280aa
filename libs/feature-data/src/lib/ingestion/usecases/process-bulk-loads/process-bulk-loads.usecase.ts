import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { derivedEventId, describeError, isTransientError, maskIdNumbers, quoteTablePath } from '@gmp/messaging';
import { parseJsonBody } from '@gmp/service-kit';
import { BulkLine, BulkLoad } from '../../bulk-load.entities.js';
import type { QualityReason } from '../../quality-rules.js';
import { QuarantineStoreService } from '../../quarantine-store.service.js';
import { IngestRecord, type IngestOutcome, type IngestRecordCommand } from '../ingest-record/ingest-record.usecase.js';

/** Lines checked and stored in one transaction. */
export const BULK_CHUNK_LINES = 2_000;
/** Loads left unfinished by a stopped instance are looked for this often. */
const POLL_MS = 30_000;
const SAMPLE_SIZE = 100;

type Line = { line_no: number; line: string };

/**
 * Processes received bulk loads a chunk at a time: each chunk's lines are checked and stored (or
 * quarantined, a line that is not a record included — with the line kept) through the same
 * IngestRecord path as Kafka records, and in the same transaction the load's counters move on and
 * the staging lines are deleted — a crash redoes at most the chunk in flight, never twice.
 * Loads are claimed with SKIP LOCKED, so instances share them; a load that fails for a reason
 * that is not transient (a defect) is marked `failed` with the error, its lines kept.
 */
@Injectable()
export class ProcessBulkLoads implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('BulkLoads');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopping = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ingest: IngestRecord,
    private readonly quarantine: QuarantineStoreService,
  ) {}

  onApplicationBootstrap(): void {
    this.kick();
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Starts processing in the background (or makes a run under way look again when it ends). */
  kick(): void {
    if (this.stopping) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err: unknown) => this.log.warn(`批量归集暂停 (bulk loads paused, retried later): ${describeError(err)}`))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Processes chunks until no load is left (or the service stops); resolves when idle. */
  async drain(): Promise<void> {
    while (!this.stopping && (await this.step())) {
      // next chunk
    }
  }

  /** One chunk of the oldest unfinished load nobody else holds; false when there is none. */
  async step(): Promise<boolean> {
    const failed: { id?: string; error?: unknown } = {};
    const progressed = await this.dataSource.transaction(async (m) => {
      const t = quoteTablePath(m.connection.getMetadata(BulkLoad).tablePath);
      const [row] = (await m.query(
        `SELECT id FROM ${t} WHERE status IN ('received', 'processing') ORDER BY received_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
      )) as { id: string }[];
      if (!row) return false;
      const load = (await m.getRepository(BulkLoad).findOneByOrFail({ id: row.id }))!;
      const s = quoteTablePath(m.connection.getMetadata(BulkLine).tablePath);
      const lines = (await m.query(`SELECT line_no, line FROM ${s} WHERE load_id = $1 ORDER BY line_no LIMIT $2`, [
        load.id,
        BULK_CHUNK_LINES,
      ])) as Line[];
      if (lines.length === 0) {
        await m.getRepository(BulkLoad).update({ id: load.id }, { status: 'done', finishedAt: new Date() });
        this.log.log(
          `批量归集完成 (bulk load done) ${load.id} ${load.resourceCode}: ${load.lines} lines, ${load.stored} stored, ${load.quarantined} quarantined`,
        );
        return true;
      }
      try {
        await m.query('SAVEPOINT bulk_chunk');
        await this.chunk(m, load, lines);
        await m.query('RELEASE SAVEPOINT bulk_chunk');
      } catch (err) {
        if (isTransientError(err)) throw err;
        await m.query('ROLLBACK TO SAVEPOINT bulk_chunk');
        Object.assign(failed, { id: load.id, error: err });
        await m
          .getRepository(BulkLoad)
          .update({ id: load.id }, { status: 'failed', finishedAt: new Date(), error: maskIdNumbers(describeError(err)).slice(0, 1000) });
        return true;
      }
      return true;
    });
    if (failed.id) this.log.error(`批量归集失败 (bulk load failed) ${failed.id}: ${describeError(failed.error)}`);
    return progressed;
  }

  private async chunk(m: EntityManager, load: BulkLoad, lines: Line[]): Promise<void> {
    const receivedAt = new Date();
    const cmds: (IngestRecordCommand & { eventId: string })[] = [];
    const cmdLines: number[] = [];
    const unreadable: { lineNo: number; id: string; reasons: QualityReason[] }[] = [];
    const idOf = (lineNo: number) => derivedEventId(load.id, `bulk-line|${lineNo}`);
    for (const { line_no: lineNo, line } of lines) {
      const parsed = parseLine(line);
      if ('reason' in parsed) {
        unreadable.push({ lineNo, id: idOf(lineNo), reasons: [{ rule: 'format', item: null, message: parsed.reason }] });
        continue;
      }
      cmds.push({
        resourceCode: load.resourceCode,
        department: load.department,
        updatedAt: parsed.updatedAt,
        record: parsed.record,
        origin: load.origin,
        eventId: idOf(lineNo),
      });
      cmdLines.push(lineNo);
    }
    // A line that is not a record is quarantined as it came (its text), to be corrected like any other entry.
    await this.quarantine.quarantineMany(
      m,
      unreadable.map((u) => ({
        id: u.id,
        resourceCode: load.resourceCode,
        department: load.department,
        record: { line: lines.find((l) => l.line_no === u.lineNo)!.line },
        updatedAt: null,
        reasons: u.reasons,
        origin: load.origin,
      })),
      receivedAt,
    );
    const outcomes: IngestOutcome[] = cmds.length > 0 ? await this.ingest.executeMany(cmds, m) : [];
    const count = (status: string) => outcomes.filter((o) => o.status === status).length;
    const quarantinedLines = [
      ...unreadable,
      ...outcomes.flatMap((o, n) => (o.status === 'quarantined' ? [{ lineNo: cmdLines[n]!, id: o.quarantineId, reasons: o.reasons }] : [])),
    ].sort((a, b) => a.lineNo - b.lineNo);
    const sample = [
      ...load.quarantineSample,
      ...quarantinedLines
        .slice(0, SAMPLE_SIZE - load.quarantineSample.length)
        .map((q) => ({ line: q.lineNo, id: q.id, reasons: q.reasons })),
    ];
    const last = lines[lines.length - 1]!.line_no;
    await m.getRepository(BulkLoad).update(
      { id: load.id },
      {
        status: 'processing',
        processed: last,
        stored: load.stored + count('stored'),
        unchanged: load.unchanged + count('unchanged'),
        stale: load.stale + count('stale'),
        quarantined: load.quarantined + quarantinedLines.length,
        quarantineSample: sample,
      },
    );
    const s = quoteTablePath(m.connection.getMetadata(BulkLine).tablePath);
    await m.query(`DELETE FROM ${s} WHERE load_id = $1 AND line_no <= $2`, [load.id, last]);
  }
}

/** A line as `{"updatedAt": "…", "record": {…}}` (the backfill's record shape), or why it is not one. */
function parseLine(line: string): { updatedAt: string; record: object } | { reason: string } {
  let value: unknown;
  try {
    value = parseJsonBody(line);
  } catch (err) {
    return { reason: `不是有效的 JSON 记录行 (not a valid JSON line): ${String((err as Error).message).slice(0, 200)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { reason: '每行须为一个 JSON 对象 (each line is one JSON object)' };
  const { updatedAt, record, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0)
    return { reason: `未知字段 (unknown fields): ${Object.keys(rest).slice(0, 5).join(', ')}; 每行为 {"updatedAt", "record"}` };
  if (typeof updatedAt !== 'string') return { reason: 'updatedAt 须为字符串 (updatedAt is an ISO 8601 string)' };
  if (typeof record !== 'object' || record === null || Array.isArray(record))
    return { reason: 'record 须为 JSON 对象 (record is a JSON object)' };
  return { updatedAt, record };
}
