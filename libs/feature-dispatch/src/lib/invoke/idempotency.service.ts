import { HttpException, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import { type DataSource, IsNull, LessThan } from 'typeorm';
import { CommonProblem, relayedProblem } from '@gmp/service-kit';
import { IdempotencyRecord } from './idempotency-record.entity.js';
import { InvokeProblem } from './invoke.problems.js';

const KEY = /^[A-Za-z0-9._:-]{8,128}$/;
const KEEP_MS = 24 * 3_600_000;
/** A claim without an answer after this long is taken over (longer than any capability's timeout). */
const STALE_MS = 2 * 60_000;

/** A finished keyed call: what to answer again. */
export type Replay = { status: number; answer: Record<string, unknown> };

/**
 * Idempotency keys (`Idempotency-Key` header): the first call with a key runs and its answer is
 * kept 24 h; the same key again gets that answer (`Idempotent-Replayed: true`) without running
 * the capability again; the same key with another request is 422; while the first still runs,
 * 409. A call that never got to the provider (503) frees its key; so does a provider failure
 * or timeout (502/504) of an idempotent operation.
 */
@Injectable()
export class IdempotencyService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('Idempotency');
  private timer: NodeJS.Timeout | null = null;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    this.timer = setInterval(
      () => void this.expire().catch((err: Error) => this.log.warn(`幂等记录清理失败 (expiry failed): ${err.message}`)),
      3_600_000,
    );
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Claims the key for this call (`claim`: go ahead, and finish with it), or returns the earlier answer; throws 400/409/422. */
  async begin(appKey: string, idemKey: string, capability: string, input: unknown): Promise<{ claim: string } | { replay: Replay }> {
    if (!KEY.test(idemKey)) throw CommonProblem.INVALID_HEADER('Idempotency-Key: 8–128 of [A-Za-z0-9._:-]');
    const requestHash = createHash('sha256')
      .update(`${capability}\n${canonicalize(input ?? null) ?? ''}`)
      .digest('hex');
    const repo = this.dataSource.getRepository(IdempotencyRecord);
    const claim = randomUUID();
    const claimed = await repo
      .createQueryBuilder()
      .insert()
      .values({ appKey, idemKey, capability, requestHash, status: null, answer: null, claimId: claim })
      .orIgnore()
      .execute();
    if ((claimed.raw as unknown[]).length > 0) return { claim };
    const earlier = await repo.findOneBy({ appKey, idemKey });
    if (!earlier) return this.begin(appKey, idemKey, capability, input); // expired meanwhile
    if (earlier.requestHash !== requestHash)
      throw InvokeProblem.IDEMPOTENCY_KEY_REUSED('每个不同的请求使用新的幂等键 (use a new key for a different request)');
    if (earlier.status === null && earlier.createdAt.getTime() < Date.now() - STALE_MS) {
      // Its caller died mid-call (or its answer could not be kept): taken over, run again with the same message id.
      // Matched by the claim read (not by created_at: a JS Date drops PostgreSQL's microseconds, and then nothing matched).
      const taken = await repo.update(
        { appKey, idemKey, status: IsNull(), claimId: earlier.claimId ?? IsNull() },
        { createdAt: new Date(), claimId: claim },
      );
      if (taken.affected) return { claim };
    }
    if (earlier.status === null) throw InvokeProblem.IDEMPOTENCY_IN_PROGRESS().withHeaders({ 'Retry-After': '1' });
    return { replay: { status: earlier.status, answer: earlier.answer ?? {} } };
  }

  /** Keeps the answer of the call that claimed the key. */
  async finish(
    appKey: string,
    idemKey: string,
    claim: string,
    outcome: { output: object } | { error: unknown },
    o: { idempotent?: boolean } = {},
  ): Promise<void> {
    const repo = this.dataSource.getRepository(IdempotencyRecord);
    // Only the claim that holds the key answers for it: a caller whose claim was taken over (it stalled) changes nothing.
    const held = { appKey, idemKey, claimId: claim, status: IsNull() };
    if ('output' in outcome) {
      await repo.update(held, { status: 200, answer: outcome.output as never });
      return;
    }
    const err = outcome.error;
    const status = err instanceof HttpException ? err.getStatus() : 500;
    // Nothing reached the provider (unavailable, circuit open, a proxy failing before it sent), or the operation may safely run
    // again (idempotent) after the provider failed or timed out: the key is free again, so a
    // retry with it is a real retry. A non-idempotent operation's 502/504 stays: its outcome is
    // unknown, and running it again could do it twice.
    const notSent = (err as { notSent?: boolean } | null)?.notSent === true;
    if (status === 503 || notSent || (o.idempotent && (status === 502 || status === 504))) {
      await repo.delete(held);
      return;
    }
    const answer = err instanceof HttpException ? (err.getResponse() as Record<string, unknown>) : { code: 'INTERNAL', status: 500 };
    await repo.update(held, { status, answer: answer as never });
  }

  /** The earlier answer, as the call's result or its problem. */
  static replay(r: Replay): object {
    if (r.status === 200) return r.answer;
    const a = r.answer as { code?: string; title?: string; detail?: string; errors?: never };
    // The stored problem as it was answered (any module's code, status and title): not one of a vocabulary's, so built as is.
    throw relayedProblem({
      status: r.status,
      code: a.code ?? 'INTERNAL',
      title: a.title ?? '',
      detail: a.detail,
      errors: a.errors,
    }).withHeaders({ 'Idempotent-Replayed': 'true' });
  }

  async expire(): Promise<number> {
    const res = await this.dataSource.getRepository(IdempotencyRecord).delete({ createdAt: LessThan(new Date(Date.now() - KEEP_MS)) });
    return res.affected ?? 0;
  }
}
