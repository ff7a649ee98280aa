import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { CryptoProvider } from '@gmp/gm-crypto';
import { quoteTablePath } from '@gmp/messaging';
import { CRYPTO_PROVIDER } from '@gmp/service-kit';
import { DataAccessRecord } from '../../data-access-record.entity.js';

const EVERY_MS = 2_000;
const BATCH = 1_000;
const GENESIS = '0'.repeat(64);

interface Row {
  event_id: string;
  subject_key: string;
  resource: string;
  provider: string;
  app: string;
  end_user: string | null;
  purpose: string | null;
  case_id: string | null;
  correlation_id: string;
  legal_basis: string | null;
  legal_basis_title: string | null;
  outcome: string;
  item_count: number;
  accessed_at: Date;
  department?: string | null;
  processing?: string | null;
  bulk?: boolean;
  hidden_until?: Date | null;
  hidden_reason?: string | null;
  seq?: string;
  chain_hash?: string;
}

/** The fields a link covers, in a fixed order. */
export function canonical(r: Row): string {
  return JSON.stringify([
    r.event_id,
    r.subject_key,
    r.resource,
    r.provider,
    r.app,
    r.end_user,
    r.purpose,
    r.case_id,
    r.correlation_id,
    r.legal_basis,
    r.legal_basis_title,
    r.outcome,
    r.item_count,
    new Date(r.accessed_at).toISOString(),
    // Fields added later, covered when set (records written before them keep their links).
    ...(r.department || r.processing || r.bulk || r.hidden_until || r.hidden_reason
      ? [
          {
            department: r.department ?? null,
            processing: r.processing ?? null,
            bulk: r.bulk ?? false,
            hiddenUntil: r.hidden_until ? new Date(r.hidden_until).toISOString() : null,
            hiddenReason: r.hidden_reason ?? null,
          },
        ]
      : []),
  ]);
}

/**
 * Seals "who used my data" into one SM3 hash chain: every two seconds the records not yet
 * sealed get the next sequence numbers, in the order they were recorded, each hash covering
 * the previous one and the record's fields. Recording stays a plain insert (no contention on
 * the chain's head); one sealer at a time across instances (advisory lock). `verify` walks the
 * chain and names the first link that no longer holds.
 */
@Injectable()
export class SealAccessLog implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('AccessLogChain');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CRYPTO_PROVIDER) private readonly crypto: CryptoProvider,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => void this.execute().catch((e: Error) => this.log.warn(`封存失败 (sealing failed): ${e.message}`)),
      EVERY_MS,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private get table(): string {
    return quoteTablePath(this.dataSource.getMetadata(DataAccessRecord).tablePath);
  }

  /** Seals what is unsealed (up to 1,000 records a pass, passes until none is left); returns how many. */
  async execute(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.dataSource.transaction(async (m) => {
        await m.query(`SELECT pg_advisory_xact_lock(hashtext('data-access-chain'))`);
        const [head] = (await m.query(
          `SELECT seq, chain_hash FROM ${this.table} WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1`,
        )) as Row[];
        const rows = (await m.query(
          `SELECT * FROM ${this.table} WHERE seq IS NULL ORDER BY recorded_at, event_id LIMIT ${BATCH}`,
        )) as Row[];
        if (rows.length === 0) return 0;
        let seq = BigInt(head?.seq ?? 0);
        let prev = head?.chain_hash ?? GENESIS;
        const ids: string[] = [];
        const seqs: string[] = [];
        const hashes: string[] = [];
        for (const r of rows) {
          seq += 1n;
          prev = this.crypto.sm3(`${prev}\n${canonical(r)}`).toString('hex');
          ids.push(r.event_id);
          seqs.push(String(seq));
          hashes.push(prev);
        }
        await m.query(
          `UPDATE ${this.table} t SET seq = u.seq, chain_hash = u.hash
             FROM unnest($1::uuid[], $2::bigint[], $3::char(64)[]) AS u(id, seq, hash) WHERE t.event_id = u.id`,
          [ids, seqs, hashes],
        );
        return rows.length;
      });
      total += n;
      if (n < BATCH) return total;
    }
  }

  /** Walks the chain from its start: how many links hold, and the first that does not. */
  async verify(): Promise<{ sealed: number; unsealed: number; valid: boolean; brokenAtSeq: string | null }> {
    let prev = GENESIS;
    let expected = 1n;
    let after = 0n;
    let sealed = 0;
    for (;;) {
      const rows = (await this.dataSource.query(`SELECT * FROM ${this.table} WHERE seq > $1 ORDER BY seq LIMIT 5000`, [
        String(after),
      ])) as Row[];
      for (const r of rows) {
        const hash = this.crypto.sm3(`${prev}\n${canonical(r)}`).toString('hex');
        if (BigInt(r.seq!) !== expected || hash !== r.chain_hash)
          return { sealed, unsealed: await this.unsealed(), valid: false, brokenAtSeq: String(expected) };
        prev = hash;
        expected += 1n;
        sealed++;
      }
      if (rows.length < 5000) break;
      after = BigInt(rows.at(-1)!.seq!);
    }
    return { sealed, unsealed: await this.unsealed(), valid: true, brokenAtSeq: null };
  }

  private async unsealed(): Promise<number> {
    const [r] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM ${this.table} WHERE seq IS NULL`)) as { n: number }[];
    return r!.n;
  }
}
