import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DataSource } from 'typeorm';
import { quoteTablePath } from '@gmp/messaging';
import { CatalogueProblem } from '../../../catalogue/catalogue.problems.js';
import { CatalogueService } from '../../../catalogue/catalogue.service.js';
import { BulkLine, BulkLoad } from '../../bulk-load.entities.js';
import { IngestionProblem } from '../../ingestion.problems.js';
import { NdjsonError, ndjsonLines, type NdjsonLimits } from '../../ndjson-lines.js';

/** What one bulk load may hold: lines of at most 64 KiB, 1 GiB and 10 million lines in all. */
export const BULK_LIMITS: NdjsonLimits = { maxLineBytes: 64 * 1024, maxBytes: 1024 * 1024 * 1024, maxLines: 10_000_000 };

export interface ReceiveBulkLoadCommand {
  resourceCode: string;
  department: string;
  origin: 'http' | 'national';
  by: string;
  body: AsyncIterable<Buffer | string>;
}

/** A field of COPY's text format: backslash, tab, newline and carriage return escaped. */
function copyText(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/**
 * Receives a bulk backfill (批量归集): the upload spooled to a temporary file (limits checked as it
 * arrives), then streamed by COPY into the staging table (`data_bulk_line`) in one transaction with
 * its load row, so that once answered nothing of it
 * can be lost; the lines are checked and stored afterwards (ProcessBulkLoads). Refused whole,
 * before anything is kept: an unknown or retired resource, a sender that is not the resource's
 * provider, a line that is too long, not UTF-8 or holds a NUL byte, an upload over the limits.
 */
@Injectable()
export class ReceiveBulkLoad {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalogue: CatalogueService,
  ) {}

  async execute(cmd: ReceiveBulkLoadCommand): Promise<BulkLoad> {
    const found = await this.catalogue.find(cmd.resourceCode);
    if (!found) throw CatalogueProblem.RESOURCE_NOT_FOUND(cmd.resourceCode);
    if (found.resource.status !== 'active') throw IngestionProblem.RESOURCE_RETIRED(cmd.resourceCode);
    if (found.resource.providerDepartment !== cmd.department)
      throw IngestionProblem.NOT_PROVIDER(`${cmd.department} 不是 ${cmd.resourceCode} 的提供部门 (not the resource’s provider)`);
    const load: BulkLoad = {
      id: randomUUID(),
      resourceCode: found.resource.code,
      department: cmd.department,
      origin: cmd.origin,
      submittedBy: cmd.by.slice(0, 128),
      status: 'received',
      lines: 0,
      bytes: '0',
      processed: 0,
      stored: 0,
      unchanged: 0,
      stale: 0,
      quarantined: 0,
      quarantineSample: [],
      error: null,
      receivedAt: new Date(),
      finishedAt: null,
    };
    let bytes = 0;
    const counted = async function* (source: AsyncIterable<Buffer | string>) {
      for await (const chunk of source) {
        bytes += chunk.length;
        yield chunk;
      }
    };
    const rows = async function* () {
      // Rows gathered into pieces of about 64 KiB: one write per piece, not per line.
      let piece = '';
      for await (const line of ndjsonLines(counted(cmd.body), BULK_LIMITS)) {
        load.lines++;
        piece += `${load.id}\t${load.lines}\t${copyText(line)}\n`;
        if (piece.length >= 65_536) {
          yield piece;
          piece = '';
        }
      }
      if (piece) yield piece;
    };
    // The upload is spooled to a file first: a slow or stalled sender holds a socket and a file,
    // never a database connection or an open transaction (with a small pool that would stall the service).
    const dir = await mkdtemp(join(tmpdir(), 'gmp-bulk-'));
    const spool = join(dir, 'rows.copy');
    try {
      try {
        await pipeline(Readable.from(rows()), createWriteStream(spool));
      } catch (err) {
        throw refusalOf(err, bytes);
      }
      if (load.lines === 0) throw IngestionProblem.BULK_LOAD_EMPTY('没有记录行 (no record lines in the upload)');
      load.bytes = String(bytes);
      const runner = this.dataSource.createQueryRunner();
      const client = (await runner.connect()) as PoolClient;
      try {
        await runner.startTransaction();
        const staging = quoteTablePath(this.dataSource.getMetadata(BulkLine).tablePath);
        await pipeline(createReadStream(spool), client.query(copyFrom(`COPY ${staging} (load_id, line_no, line) FROM STDIN`)));
        await runner.manager.getRepository(BulkLoad).insert(load);
        await runner.commitTransaction();
        return load;
      } catch (err) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        throw err;
      } finally {
        await runner.release();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/** What went wrong while reading the upload, as the client's problem. */
function refusalOf(err: unknown, bytes: number): unknown {
  if (err instanceof NdjsonError)
    return err.kind === 'too-large' || err.kind === 'too-many-lines'
      ? IngestionProblem.BULK_LOAD_TOO_LARGE(err.message)
      : IngestionProblem.BULK_LINE_INVALID(err.message, [{ field: `line ${err.line}`, message: err.message }]);
  // The sender went away mid-upload: nothing was kept (nobody reads the answer, but no error is logged for it).
  const code = (err as { code?: string }).code;
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error).message === 'aborted')
    return IngestionProblem.BULK_UPLOAD_INTERRUPTED(`已收到 ${bytes} 字节 (${bytes} bytes received)`);
  return err;
}
