/**
 * The pause between the polls of a background loop (outbox relay, async calls, notifications):
 * the minimum right after a poll found work, doubling up to the maximum while polls find none.
 * Work that arrives in this process wakes its loop directly; the poll is the safety net for
 * work left by another instance or a crash, so an idle platform polls its database rarely
 * (issue 12: idle cost, bench:idle).
 */
export class IdleBackoff {
  private delay: number;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number = Math.max(minMs, 5_000),
  ) {
    this.delay = minMs;
  }

  /** The wait before the next poll, given whether the last one found work. */
  next(foundWork: boolean): number {
    this.delay = foundWork ? this.minMs : Math.min(this.maxMs, this.delay * 2);
    return this.delay;
  }
}
