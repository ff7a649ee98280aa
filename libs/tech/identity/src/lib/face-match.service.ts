import { Injectable, Logger } from '@nestjs/common';
import { IdentityConfig } from './identity.config.js';

export type FaceMatchOutcome =
  { ok: true; score: number } | { ok: false; reason: 'NOT_CONFIGURED' | 'NO_MATCH' | 'UNAVAILABLE'; score?: number };

/** What a face-match provider is asked: the person the login claims to be and the liveness evidence. */
export interface FaceMatchRequest {
  idNumber: string;
  name: string;
  /** Opaque evidence from the provider's liveness SDK in the browser (a token or an image reference). */
  evidence: string;
}

/**
 * The hook for level-4 logins (真人核验): a face-match provider compares the live person with
 * the photo of the claimed identity. Configured by FACE_MATCH_URL (JSON over HTTP(S), 5 s);
 * the answer must carry `matched` and a `score` of at least FACE_MATCH_MIN_SCORE.
 * Providers with another protocol sit behind a small adapter speaking this one.
 */
@Injectable()
export class FaceMatchService {
  private readonly log = new Logger('FaceMatch');

  constructor(private readonly config: IdentityConfig) {}

  get enabled(): boolean {
    return this.config.FACE_MATCH_URL !== undefined;
  }

  async verify(request: FaceMatchRequest): Promise<FaceMatchOutcome> {
    if (!this.config.FACE_MATCH_URL) return { ok: false, reason: 'NOT_CONFIGURED' };
    let answer: { matched?: unknown; score?: unknown };
    try {
      const res = await fetch(this.config.FACE_MATCH_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      answer = (await res.json()) as typeof answer;
    } catch (err) {
      this.log.warn(`人脸核验服务不可用 (face-match provider unavailable): ${(err as Error).message}`);
      return { ok: false, reason: 'UNAVAILABLE' };
    }
    const score = typeof answer.score === 'number' ? answer.score : 0;
    return answer.matched === true && score >= this.config.FACE_MATCH_MIN_SCORE
      ? { ok: true, score }
      : { ok: false, reason: 'NO_MATCH', score };
  }
}
