import { Injectable } from '@nestjs/common';
import { DispatchRedis } from '../shared/redis.provider.js';
import { AppsProblem } from './apps.problems.js';

/**
 * Accepts each signed request once: its replay key (nonce, or the signature where a scheme has
 * no nonce) is remembered for the scheme's window — in Redis across instances, else in memory.
 * Fails closed: without Redis answering, signed requests are refused (503), not let through.
 */
@Injectable()
export class ReplayGuardService {
  private readonly seen = new Map<string, number>();

  constructor(private readonly redis: DispatchRedis) {}

  /** True the first time a key is seen within its window. */
  async firstTime(appKey: string, replayKey: string, windowMs: number): Promise<boolean> {
    const key = `gmp:replay:${appKey}:${replayKey}`;
    if (this.redis.client) {
      try {
        return (await this.redis.client.set(key, '1', 'PX', windowMs, 'NX')) === 'OK';
      } catch {
        throw AppsProblem.REPLAY_STORE_UNAVAILABLE(
          'Redis 未应答，签名请求暂不受理 (Redis did not answer: signed requests are refused until it does)',
        );
      }
    }
    const now = Date.now();
    if (this.seen.size > 100_000) for (const [k, until] of this.seen) if (until < now) this.seen.delete(k);
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return false;
    this.seen.set(key, now + windowMs);
    return true;
  }
}
