import type { Consumer } from 'kafkajs';

/** One partition's progress: offsets handed to handlers and not finished yet, the next offset once they are, what was committed. */
export interface PartitionPosition {
  topic: string;
  partition: number;
  inFlight: Set<bigint>;
  next: bigint;
  committed: bigint;
}

/**
 * What a consumer may commit: per partition, the offset of the first record not finished yet
 * (or the next one). One commit at a time; a commit built before a group join does not update
 * what is tracked after it (the new assignment starts from the group's committed offsets).
 */
export class CommittedOffsets {
  private readonly positions = new Map<string, PartitionPosition>();
  private generation = 0;
  private committing: Promise<void> | null = null;

  constructor(private readonly onError: (err: unknown) => void) {}

  /** The partition's position, started at the first offset of its first fetched batch. */
  of(topic: string, partition: number, firstOffset: string | undefined): PartitionPosition {
    const key = `${topic}:${partition}`;
    let position = this.positions.get(key);
    if (!position) {
      const start = firstOffset === undefined ? -1n : BigInt(firstOffset);
      position = { topic, partition, inFlight: new Set(), next: start, committed: start };
      this.positions.set(key, position);
    }
    return position;
  }

  /** A new assignment: forget what was tracked. */
  reset(): void {
    this.generation++;
    this.positions.clear();
  }

  commit(consumer: Consumer | null | undefined): Promise<void> {
    this.committing ??= this.commitOnce(consumer).finally(() => (this.committing = null));
    return this.committing;
  }

  private async commitOnce(consumer: Consumer | null | undefined): Promise<void> {
    const generation = this.generation;
    const offsets: { topic: string; partition: number; offset: string }[] = [];
    for (const p of this.positions.values()) {
      let upTo = p.next;
      for (const offset of p.inFlight) if (offset < upTo) upTo = offset;
      if (upTo > p.committed && upTo >= 0n) offsets.push({ topic: p.topic, partition: p.partition, offset: upTo.toString() });
    }
    if (offsets.length === 0 || !consumer) return;
    try {
      await consumer.commitOffsets(offsets);
      if (generation !== this.generation) return; // the assignment changed meanwhile: what it tracks starts afresh
      for (const o of offsets) {
        const p = this.positions.get(`${o.topic}:${o.partition}`);
        if (p && BigInt(o.offset) > p.committed) p.committed = BigInt(o.offset);
      }
    } catch (err) {
      // Not a member right now (rebalancing): the next member resumes from the last commit.
      this.onError(err);
    }
  }
}
