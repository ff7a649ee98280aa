import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { HttpException, Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, IsNull } from 'typeorm';
import { GMP_HMAC_SM3 } from '@gmp/dispatch-client';
import type { CryptoProvider } from '@gmp/gm-crypto';
import { derivedEventId, IdleBackoff, quoteTablePath } from '@gmp/messaging';
import { currentContext } from '@gmp/observability';
import { CRYPTO_PROVIDER } from '@gmp/service-kit';
import { AppCredentialsService } from '../apps/app-credentials.service.js';
import { CallAuditService } from '../audit/call-audit.service.js';
import { CapabilityInvokerService, type CallerInfo } from '../invoke/capability-invoker.service.js';
import { checkUpstreamAddress } from '../proxy/upstream-address.util.js';
import { AsyncCall } from './async-call.entity.js';
import { AsyncCallsProblem } from './async.problems.js';
import { DispatchConfig } from '../dispatch.config.js';

const REQUEST_LABEL = 'dispatch:async';
export const CALLBACK_LABEL = 'dispatch:callback';
const MAX_RUNS = 3;
const MAX_CALLBACKS = 6;

type Stored = { input: object; caller: CallerInfo };

/**
 * Asynchronous calls: accepted with 202 once admitted (grant, limits, input contract), kept in
 * PostgreSQL (request and answer encrypted) and run by whichever dispatch instance claims them
 * — a call whose instance died is run again when its lease ends (at most 3 runs, the same
 * message id each time). The answer is fetched by id, and delivered to the app's registered
 * callback URL, signed (HMAC-SM3, platform scheme, the app's callback secret), retried with
 * backoff until the app answers 2xx.
 */
@Injectable()
export class AsyncCallsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('AsyncCalls');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  /** Whether a run since the last poll claimed calls or callbacks. */
  private foundWork = false;
  /** Work arrived while a pass was running: run once more after it. */
  private again = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CRYPTO_PROVIDER) private readonly crypto: CryptoProvider,
    private readonly config: DispatchConfig,
    private readonly invoker: CapabilityInvokerService,
    private readonly audit: CallAuditService,
    private readonly apps: AppCredentialsService,
  ) {}

  onApplicationBootstrap(): void {
    // Calls accepted here are kicked at once; the poll picks up other instances' abandoned calls
    // and due callbacks: every 500 ms while it finds some, backing off to 5 s while it finds none.
    const polls = new IdleBackoff(500);
    const tick = () => {
      this.kick();
      const active = this.foundWork;
      this.foundWork = false;
      if (!this.stopped) this.timer = setTimeout(tick, polls.next(active));
    };
    tick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  async submit(code: string, input: unknown, caller: CallerInfo): Promise<{ callId: string; status: 'accepted'; resultUrl: string }> {
    const { capability, checked } = await this.invoker.admit(code, input, caller);
    const app = caller.appKey.startsWith('oauth:') ? null : await this.apps.callbackOf(caller.appKey);
    const id = randomUUID();
    // The version the input was checked against runs, whatever is published meanwhile.
    const stored: Stored = {
      input: checked.value,
      caller: {
        ...caller,
        version: capability.version,
        correlationId: caller.correlationId ?? currentContext()?.correlationId ?? randomUUID(),
      },
    };
    await this.dataSource.getRepository(AsyncCall).insert({
      id,
      appKey: caller.appKey,
      ownerKey: ownerKeyOf(caller.endUserAuthenticated ? caller.endUser : undefined),
      capability: capability.code,
      status: 'accepted',
      requestEnc: this.crypto.encrypt(REQUEST_LABEL, JSON.stringify(stored), id),
      resultStatus: null,
      resultEnc: null,
      leaseUntil: null,
      attempts: 0,
      submittedAt: new Date(),
      completedAt: null,
      callbackUrl: app?.url ?? null,
      callbackStatus: 'none',
      callbackAttempts: 0,
      callbackNextAt: null,
      callbackError: null,
    });
    this.kick();
    return { callId: id, status: 'accepted', resultUrl: `/v1/calls/${id}` };
  }

  /**
   * The call as its caller sees it: the same app and, for a call made with a user's own token,
   * the same signed-in user (`tokenEndUser`; `'callback'` for the delivery to the app's callback
   * URL, which only calls made with the app's credentials have). 404 for anyone else's.
   */
  async view(id: string, appKey: string, tokenEndUser: string | undefined | 'callback') {
    const ownerKey = tokenEndUser === 'callback' ? null : ownerKeyOf(tokenEndUser);
    const call = await this.dataSource
      .getRepository(AsyncCall)
      .findOneBy({ id, appKey, ownerKey: ownerKey === null ? IsNull() : ownerKey });
    if (!call) throw AsyncCallsProblem.CALL_NOT_FOUND(id);
    const answer = call.resultEnc
      ? (JSON.parse(this.crypto.decrypt(REQUEST_LABEL, call.resultEnc, id).toString()) as Record<string, unknown>)
      : undefined;
    return {
      callId: id,
      capability: call.capability,
      status: call.status,
      submittedAt: call.submittedAt.toISOString(),
      ...(call.completedAt ? { completedAt: call.completedAt.toISOString() } : {}),
      ...(answer !== undefined ? (call.resultStatus === 200 ? { result: answer } : { problem: answer }) : {}),
      callback: {
        status: call.callbackStatus,
        attempts: call.callbackAttempts,
        ...(call.callbackError ? { lastError: call.callbackError } : {}),
      },
    };
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.running) {
      // A call accepted during a pass is claimed by one more pass right after it, not at the next poll.
      this.again = true;
      return;
    }
    this.running = this.work()
      .catch((err: Error) => this.log.warn(`异步调用处理失败，稍后重试 (async work failed, will retry): ${err.message}`))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async work(): Promise<void> {
    const t = quoteTablePath(this.dataSource.getMetadata(AsyncCall).tablePath);
    // Calls: claim accepted ones and those whose runner's lease ran out.
    const claimed: { id: string; capability: string; attempts: number }[] = (
      await this.dataSource.query(
        `UPDATE ${t} SET status = 'running', attempts = attempts + 1, lease_until = now() + interval '60 seconds'
        WHERE id IN (SELECT id FROM ${t} WHERE status = 'accepted' OR (status = 'running' AND lease_until < now()) ORDER BY submitted_at LIMIT 20 FOR UPDATE SKIP LOCKED)
        RETURNING id, capability, attempts`,
      )
    )[0];
    if (claimed.length > 0) this.foundWork = true;
    await Promise.all(claimed.map((c) => this.run(c.id, c.capability, c.attempts)));
    // Callbacks that are due.
    const due: { id: string }[] = (
      await this.dataSource.query(
        `UPDATE ${t} SET callback_next_at = now() + interval '60 seconds'
        WHERE id IN (SELECT id FROM ${t} WHERE callback_status = 'pending' AND callback_next_at <= now() ORDER BY callback_next_at LIMIT 20 FOR UPDATE SKIP LOCKED)
        RETURNING id`,
      )
    )[0];
    if (due.length > 0) this.foundWork = true;
    await Promise.all(due.map((d) => this.deliver(d.id)));
  }

  private async run(id: string, code: string, attempts: number): Promise<void> {
    const repo = this.dataSource.getRepository(AsyncCall);
    const row = await repo.findOneByOrFail({ id });
    const stored = JSON.parse(this.crypto.decrypt(REQUEST_LABEL, row.requestEnc, id).toString()) as Stored;
    const started = Date.now();
    let status: number;
    let answer: object;
    if (attempts > MAX_RUNS) {
      status = 504;
      answer = {
        type: 'urn:gov-mp:problem:outcome-unknown',
        title: '调用结果未知 (outcome unknown)',
        status,
        code: 'OUTCOME_UNKNOWN',
        detail: `运行 ${MAX_RUNS} 次均未完成 (not completed after ${MAX_RUNS} runs)`,
      };
    } else {
      try {
        // Checked again when it runs: a grant revoked or a version retired meanwhile stops it.
        const { capability } = await this.invoker.readmit(code, stored.caller);
        // The same message id on every run: providers de-duplicate what they can.
        answer = await this.invoker.call(capability, stored.input, stored.caller, derivedEventId(id, 'async-call'));
        status = 200;
      } catch (err) {
        status = err instanceof HttpException ? err.getStatus() : 500;
        answer =
          err instanceof HttpException
            ? (err.getResponse() as object)
            : { code: 'INTERNAL', status: 500, title: '内部错误 (internal error)' };
      }
    }
    const callback = row.callbackUrl ? 'pending' : 'none';
    await repo.update(
      { id, status: 'running' },
      {
        status: status === 200 ? 'succeeded' : 'failed',
        resultStatus: status,
        resultEnc: this.crypto.encrypt(REQUEST_LABEL, JSON.stringify(answer), id),
        completedAt: new Date(),
        leaseUntil: null,
        callbackStatus: callback,
        callbackNextAt: callback === 'pending' ? new Date() : null,
      },
    );
    const c = stored.caller;
    await this.audit.record({
      at: new Date(),
      app: c.appKey,
      capability: code,
      operation: 'async-run',
      endUser: c.endUser ?? null,
      purpose: c.purpose ?? null,
      caseId: c.caseId ?? null,
      correlationId: c.correlationId ?? null,
      status,
      code: status === 200 ? null : String((answer as { code?: unknown }).code ?? ''),
      latencyMs: Date.now() - started,
      requestHash: this.crypto.sm3(JSON.stringify(stored.input)).toString('hex'),
    });
  }

  /** POSTs the answer to the app's callback URL, signed; 2xx = delivered, else retried with backoff. */
  private async deliver(id: string): Promise<void> {
    const repo = this.dataSource.getRepository(AsyncCall);
    const call = await repo.findOneByOrFail({ id });
    const app = await this.apps.callbackOf(call.appKey);
    const body = Buffer.from(JSON.stringify(await this.view(id, call.appKey, 'callback')));
    let error: string | null = null;
    try {
      if (!call.callbackUrl || !app?.secretEnc) throw new Error('回调地址或密钥缺失 (callback URL or secret missing)');
      const url = new URL(call.callbackUrl);
      // The same address rules as for upstreams, at every delivery (no metadata or link-local targets; internal ones only with PROXY_ALLOW_PRIVATE).
      await checkUpstreamAddress(url.hostname, this.config);
      const secret = this.crypto.decrypt(CALLBACK_LABEL, app.secretEnc, call.appKey);
      const headers = GMP_HMAC_SM3.sign(
        { method: 'POST', path: url.pathname, query: url.search.slice(1), body },
        'service-dispatch',
        secret,
        Date.now(),
        randomBytes(16).toString('hex'),
      );
      const res = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'x-gmp-call-id': id },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
    } catch (err) {
      error = (err as Error).message.slice(0, 200);
    }
    const attempts = call.callbackAttempts + 1;
    if (!error) {
      await repo.update({ id }, { callbackStatus: 'delivered', callbackAttempts: attempts, callbackNextAt: null, callbackError: null });
      return;
    }
    const failed = attempts >= MAX_CALLBACKS;
    const wait = this.config.DISPATCH_CALLBACK_BACKOFF_MS * 4 ** (attempts - 1);
    await repo.update(
      { id },
      {
        callbackStatus: failed ? 'failed' : 'pending',
        callbackAttempts: attempts,
        callbackNextAt: failed ? null : new Date(Date.now() + wait),
        callbackError: error,
      },
    );
    if (failed) this.log.warn(`回调投递失败，已放弃 (callback given up after ${attempts} attempts) ${id}: ${error}`);
  }
}

/** What identifies a signed-in end user on an async call (a hash: the table keeps no user id). */
function ownerKeyOf(endUser: string | undefined): string | null {
  return endUser === undefined ? null : createHash('sha256').update(endUser).digest('hex');
}
