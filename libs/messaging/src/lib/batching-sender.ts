import type { Message, Producer } from 'kafkajs';

interface Pending {
  topic: string;
  message: Message;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Collects the records that callers send and produces them as one batch (kafkajs has no
 * linger): the records of one turn of the event loop, and — while a batch is on its way to the
 * broker (at most `maxInFlight` at once) — everything sent meanwhile, which goes as the next
 * batch as soon as one is acknowledged. Batches thus grow with the load by themselves (fewer
 * produce requests for the broker to handle, issue 12) and nothing waits when the platform is
 * quiet. Each caller's promise settles when its batch is acknowledged.
 */
export class BatchingSender {
  private queue: Pending[] = [];
  private bytes = 0;
  private scheduled = false;
  private inFlight = 0;

  constructor(
    private readonly producer: () => Producer,
    private readonly maxBatch = 500,
    private readonly maxBytes = 512 * 1024,
    private readonly maxInFlight = 1,
  ) {}

  send(topic: string, message: Message): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const size = sizeOf(message);
      if (this.queue.length > 0 && this.bytes + size > this.maxBytes) this.flush();
      this.queue.push({ topic, message, resolve, reject });
      this.bytes += size;
      if (this.queue.length >= this.maxBatch || this.bytes >= this.maxBytes) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    // Sent as soon as the batch on its way is acknowledged (see settled()).
    if (batch.length === 0 || this.inFlight >= this.maxInFlight) return;
    this.queue = [];
    this.bytes = 0;
    this.inFlight++;
    this.produce(batch)
      .then(
        () => batch.forEach((p) => p.resolve()),
        (err: unknown) => {
          if (batch.length === 1) return batch[0]!.reject(err);
          // One bad record (unknown topic, too large) must not fail the others: send each alone.
          for (const p of batch) this.produce([p]).then(p.resolve, p.reject);
        },
      )
      .finally(() => {
        this.inFlight--;
        this.flush();
      });
  }

  /** Always settles: a producer that is gone (shutdown) rejects instead of throwing synchronously. */
  private produce(batch: Pending[]): Promise<unknown> {
    return Promise.resolve().then(() => {
      const byTopic = new Map<string, Message[]>();
      for (const p of batch) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.message]);
      return this.producer().sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    });
  }
}

function sizeOf(message: Message): number {
  const v = message.value;
  return (typeof v === 'string' ? Buffer.byteLength(v) : (v?.length ?? 0)) + 64;
}
