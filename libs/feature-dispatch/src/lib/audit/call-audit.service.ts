import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DataSource } from 'typeorm';
import type { CryptoProvider } from '@gmp/gm-crypto';
import { quoteTablePath } from '@gmp/messaging';
import { currentContext } from '@gmp/observability';
import { CRYPTO_PROVIDER } from '@gmp/service-kit';
import type { AppRequest } from '../apps/app-credentials.guard.js';
import { DispatchMetricsService } from '../metrics/dispatch-metrics.service.js';
import { CallAuditChain, CallAuditEntry } from './call-audit.entities.js';
import { DispatchConfig } from '../dispatch.config.js';

/** The fields of an entry that its hash covers, in this order. */
export type AuditFields = Omit<CallAuditEntry, 'prevHash' | 'hash'>;

/** The audited routes and their operation names. */
const INVOKE_ROUTES: Record<string, string> = {
  '/v1/capabilities/:code/invoke': 'invoke',
  '/v1/capabilities/:code/invoke-async': 'invoke-async',
};
/** Entries that failed this many flushes in a row go to the error log instead of blocking the chain. */
const MAX_FAILURES = 5;
const PAGE = 5000;

/**
 * The call audit (调用审计): every call through dispatch — accepted or refused — appended to a
 * hash chain (SM3) of this instance before its answer leaves. Appends are group-committed: the
 * entries of concurrent calls share one statement. `verify()` walks every chain and finds
 * changed, removed or cut-off entries.
 */
@Injectable()
export class CallAuditService implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('CallAudit');
  private chain: { id: string; seq: bigint; hash: string } | null = null;
  private queue: { fields: Omit<AuditFields, 'chainId' | 'seq'>; done: () => void }[] = [];
  private flushing: Promise<void> | null = null;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CRYPTO_PROVIDER) private readonly crypto: CryptoProvider,
    private readonly config: DispatchConfig,
    private readonly http: HttpAdapterHost,
    private readonly metrics: DispatchMetricsService,
  ) {}

  async onModuleInit(): Promise<void> {
    const id = randomUUID();
    const genesis = this.genesisOf(id);
    await this.dataSource.getRepository(CallAuditChain).insert({
      id,
      writer: `${hostname()}:${process.pid}`.slice(0, 128),
      startedAt: new Date(),
      lastSeq: '0',
      lastHash: genesis,
      anchorSeq: '0',
      anchorHash: genesis,
    });
    this.chain = { id, seq: 0n, hash: genesis };
    const fastify = this.http.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      // The route, not the raw URL: a percent-encoded path reaches the same handler and must be audited too.
      const route = request.method === 'POST' ? INVOKE_ROUTES[request.routeOptions?.url ?? ''] : undefined;
      if (route) {
        const code = (request.params as { code?: unknown } | undefined)?.code;
        const fields = fieldsOf(request as AppRequest, reply, payload, typeof code === 'string' ? code : '', route, this.crypto);
        this.metrics.observe(fields);
        await this.record(fields);
      }
      return payload;
    });
    this.timer = setInterval(
      () => void this.prune().catch((err: Error) => this.log.warn(`审计保留期清理失败 (retention pruning failed): ${err.message}`)),
      3_600_000,
    );
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flushing;
    if (this.queue.length > 0) await this.flush();
  }

  /** Appends an entry; resolves once it is committed (or, with the database failing, once it is queued for the next try). */
  record(fields: Omit<AuditFields, 'chainId' | 'seq'>): Promise<void> {
    return new Promise<void>((done) => {
      this.queue.push({ fields: sanitized(fields), done });
      // Entries of calls answered in the same turn of the event loop share one statement.
      if (!this.flushing)
        this.flushing = new Promise<void>((r) => setImmediate(r)).then(() => this.flush()).finally(() => (this.flushing = null));
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0 && this.chain) {
      const batch = this.queue.splice(0, 500);
      let { seq, hash } = this.chain;
      const rows: CallAuditEntry[] = batch.map(({ fields }) => {
        seq += 1n;
        const entry = { ...fields, chainId: this.chain!.id, seq: seq.toString() };
        const prevHash = hash;
        hash = this.hashOf(prevHash, entry);
        return { ...entry, prevHash, hash };
      });
      try {
        const t = (e: new () => object) => quoteTablePath(this.dataSource.getMetadata(e).tablePath);
        await this.dataSource.query(
          `WITH ins AS (
             INSERT INTO ${t(CallAuditEntry)} (chain_id, seq, at, app, capability, operation, end_user, purpose, case_id, correlation_id, status, code, latency_ms, request_hash, prev_hash, hash)
             SELECT chain_id, seq, at, app, capability, operation, end_user, purpose, case_id, correlation_id, status, code, latency_ms, request_hash, prev_hash, hash
               FROM jsonb_populate_recordset(NULL::${t(CallAuditEntry)}, $1::jsonb) RETURNING 1)
           UPDATE ${t(CallAuditChain)} SET last_seq = $2, last_hash = $3 WHERE id = $4 AND (SELECT count(*) FROM ins) = $5`,
          [JSON.stringify(rows.map(toColumns)), seq.toString(), hash, this.chain.id, rows.length],
        );
        this.chain = { id: this.chain.id, seq, hash };
        this.failures = 0;
        for (const b of batch) b.done();
      } catch (err) {
        if (++this.failures >= MAX_FAILURES) {
          // Never let a batch block the chain for good: the entries go to the error log, whole.
          this.log.error(
            `调用审计条目写入 ${this.failures} 次失败，转入错误日志 (call audit entries written to the error log after ${this.failures} failures): ${JSON.stringify(batch.map((b) => b.fields))}`,
          );
          this.failures = 0;
          for (const b of batch) b.done();
          continue;
        }
        // Kept for the next try: the calls were answered, their record must not be lost. Their
        // answers are not held back any longer; the entries are written when the database is back.
        this.log.error(
          `调用审计写入失败，稍后重试 (call audit write failed, ${this.queue.length + batch.length} entries waiting): ${(err as Error).message}`,
        );
        this.queue.unshift(...batch);
        for (const b of batch) b.done();
        setTimeout(() => this.kick(), 1000).unref();
        return;
      }
    }
  }

  private kick(): void {
    if (!this.flushing && this.queue.length > 0) this.flushing = this.flush().finally(() => (this.flushing = null));
  }

  /** SM3(prev ‖ the entry's fields as canonical JSON), hex. */
  hashOf(prevHash: string, e: AuditFields): string {
    const fields = [
      e.chainId,
      String(e.seq),
      e.at.toISOString(),
      e.app,
      e.capability,
      e.operation,
      e.endUser,
      e.purpose,
      e.caseId,
      e.correlationId,
      e.status,
      e.code,
      e.latencyMs,
      e.requestHash,
    ];
    return this.crypto.sm3(`${prevHash}\n${JSON.stringify(fields)}`).toString('hex');
  }

  private genesisOf(chainId: string): string {
    return this.crypto.sm3(`gmp-call-audit:${chainId}`).toString('hex');
  }

  /**
   * Walks every chain from its anchor: sequence numbers without gaps, each entry's prev_hash the
   * hash before it, each hash recomputed, and the chain's head on its last entry.
   */
  async verify(): Promise<{
    valid: boolean;
    chains: number;
    entries: number;
    problems: { chainId: string; seq: string | null; problem: string }[];
  }> {
    await this.flushing;
    const problems: { chainId: string; seq: string | null; problem: string }[] = [];
    const chains = await this.dataSource.getRepository(CallAuditChain).find();
    let entries = 0;
    for (const chain of chains) {
      if (chain.anchorSeq === '0' && chain.anchorHash !== this.genesisOf(chain.id))
        problems.push({ chainId: chain.id, seq: null, problem: 'GENESIS_CHANGED' });
      let seq = BigInt(chain.anchorSeq);
      let hash = chain.anchorHash;
      let broken = false;
      for (;;) {
        // Up to the head as read: entries appended meanwhile are newer than what the head vouches for.
        const rows = await this.dataSource
          .getRepository(CallAuditEntry)
          .createQueryBuilder('e')
          .where('e.chain_id = :id AND e.seq > :seq AND e.seq <= :last', { id: chain.id, seq: seq.toString(), last: String(chain.lastSeq) })
          .orderBy('e.seq', 'ASC')
          .limit(PAGE)
          .getMany();
        for (const row of rows) {
          entries++;
          if (broken) continue;
          const problem =
            BigInt(row.seq) !== seq + 1n
              ? 'ENTRY_MISSING'
              : row.prevHash !== hash
                ? 'CHAIN_BROKEN'
                : this.hashOf(row.prevHash, row) !== row.hash
                  ? 'ENTRY_CHANGED'
                  : null;
          if (problem) {
            problems.push({ chainId: chain.id, seq: problem === 'ENTRY_MISSING' ? (seq + 1n).toString() : row.seq, problem });
            broken = true;
          }
          seq = BigInt(row.seq);
          hash = row.hash;
        }
        if (rows.length < PAGE) break;
      }
      if (!broken && (seq.toString() !== String(chain.lastSeq) || hash !== chain.lastHash))
        problems.push({ chainId: chain.id, seq: String(chain.lastSeq), problem: 'ENTRIES_CUT_OFF' });
    }
    // Entries whose chain head is gone: someone removed the head to hide them.
    const orphans: { chain_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT e.chain_id FROM ${quoteTablePath(this.dataSource.getMetadata(CallAuditEntry).tablePath)} e WHERE NOT EXISTS (SELECT 1 FROM ${quoteTablePath(this.dataSource.getMetadata(CallAuditChain).tablePath)} c WHERE c.id = e.chain_id) LIMIT 100`,
    );
    for (const o of orphans) problems.push({ chainId: o.chain_id, seq: null, problem: 'CHAIN_HEAD_MISSING' });
    return { valid: problems.length === 0, chains: chains.length, entries, problems };
  }

  /**
   * Retention: drops entries older than AUDIT_RETENTION_DAYS (at least 180; the database refuses
   * younger ones) from the start of each chain and moves the chain's anchor past them, so the
   * rest still verifies.
   */
  async prune(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.AUDIT_RETENTION_DAYS * 86_400_000);
    const t = (e: new () => object) => quoteTablePath(this.dataSource.getMetadata(e).tablePath);
    let removed = 0;
    for (const chain of await this.dataSource.getRepository(CallAuditChain).find()) {
      removed += await this.dataSource.transaction(async (m) => {
        const [last] = await m.query(
          `SELECT seq, hash FROM ${t(CallAuditEntry)} WHERE chain_id = $1 AND at < $2 ORDER BY seq DESC LIMIT 1`,
          [chain.id, cutoff],
        );
        if (!last) return 0;
        const deleted = await m.query(`DELETE FROM ${t(CallAuditEntry)} WHERE chain_id = $1 AND seq <= $2`, [chain.id, last.seq]);
        await m.query(`UPDATE ${t(CallAuditChain)} SET anchor_seq = $2, anchor_hash = $3 WHERE id = $1`, [chain.id, last.seq, last.hash]);
        return Number((deleted as [unknown, number])[1] ?? 0);
      });
    }
    return removed;
  }
}

/** Control characters and lone surrogates removed (PostgreSQL's jsonb and text refuse some of them). */
function clean(v: string): string {
  return [...v]
    .filter((c) => c.charCodeAt(0) > 0x1f && c !== '\u007f')
    .join('')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '');
}

function sanitized<T extends Record<string, unknown>>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? clean(v) : v])) as T;
}

function toColumns(e: CallAuditEntry): Record<string, unknown> {
  return {
    chain_id: e.chainId,
    seq: e.seq,
    at: e.at.toISOString(),
    app: e.app,
    capability: e.capability,
    operation: e.operation,
    end_user: e.endUser,
    purpose: e.purpose,
    case_id: e.caseId,
    correlation_id: e.correlationId,
    status: e.status,
    code: e.code,
    latency_ms: e.latencyMs,
    request_hash: e.requestHash,
    prev_hash: e.prevHash,
    hash: e.hash,
  };
}

function fieldsOf(
  request: AppRequest,
  reply: FastifyReply,
  payload: unknown,
  capability: string,
  operation: string,
  crypto: CryptoProvider,
): Omit<AuditFields, 'chainId' | 'seq'> {
  // Decoded as callerOf decodes them for the provider: purposes percent-decoded, end user and case as sent.
  const header = (name: string, max: number, decode = false) => {
    const v = request.headers[name];
    if (typeof v !== 'string' || v.length === 0) return null;
    if (!decode) return v.slice(0, max);
    try {
      return decodeURIComponent(v).slice(0, max);
    } catch {
      return v.slice(0, max);
    }
  };
  let code: string | null = null;
  if (reply.statusCode >= 400 && typeof payload === 'string') {
    try {
      code = String((JSON.parse(payload) as { code?: unknown }).code ?? '').slice(0, 64) || null;
    } catch {
      code = null;
    }
  }
  const raw = (request as unknown as { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0);
  return {
    at: new Date(),
    app: request.app?.appKey ?? claimedApp(request),
    capability: capability.slice(0, 64),
    operation,
    endUser: request.tokenEndUser ?? header('x-end-user', 128),
    purpose: header('x-purpose', 256, true),
    caseId: header('x-case-id', 64),
    correlationId: currentContext()?.correlationId ?? header('x-correlation-id', 128),
    status: reply.statusCode,
    code,
    latencyMs: Math.round(reply.elapsedTime),
    requestHash: crypto.sm3(raw).toString('hex'),
  };
}

/** Who an unauthenticated attempt claimed to be (`?` + AppKey), for the record; null if nobody. */
function claimedApp(request: FastifyRequest): string | null {
  const h = request.headers;
  const auth = h.authorization;
  let claimed: string | undefined;
  if (typeof auth === 'string' && auth.startsWith('Basic ')) claimed = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':')[0];
  claimed ??= [h['x-gmp-app-key'], h['x-bg-hmac-access-key'], h['x-client-id']].find((v): v is string => typeof v === 'string');
  return claimed ? `?${claimed.replace(/[^\x20-\x7e]/g, '').slice(0, 79)}` : null;
}
