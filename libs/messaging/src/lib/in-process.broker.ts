import { Logger } from '@nestjs/common';

type Handler = (value: string) => Promise<unknown>;

export interface InProcessDeadLetter {
  topic: string;
  group: string;
  value: string;
  error: string;
  at: string;
}

/**
 * The standalone-mode stand-in for the Kafka broker: the same topics, the same JSON on the
 * wire, delivered to the same NestJS handlers inside one process. A request goes to one
 * consumer of the topic; an event to every consumer group subscribed to it.
 */
export class InProcessBroker {
  private readonly log = new Logger('InProcessBroker');
  private readonly consumers = new Map<string, Map<string, Handler>>();
  /** Records no consumer could process; standalone keeps the last 1,000 and logs each. */
  readonly deadLetters: InProcessDeadLetter[] = [];
  /** Event types some service of this process will consume (null: unknown — every event waits for a consumer). */
  private expected: Set<string> | null = null;
  private readonly unread = new Set<string>();

  /**
   * The event types the process's services consume (standalone knows them all before they start).
   * An event of another type has no reader here, as on Kafka it would sit in its topic unread:
   * it is delivered to nobody instead of waiting in the outbox for a consumer that never comes.
   */
  expectConsumers(topics: Iterable<string>): void {
    this.expected = new Set(topics);
  }

  register(topic: string, group: string, handler: Handler): void {
    let groups = this.consumers.get(topic);
    if (!groups) this.consumers.set(topic, (groups = new Map()));
    groups.set(group, handler);
  }

  unregister(group: string): void {
    for (const groups of this.consumers.values()) groups.delete(group);
  }

  hasConsumer(topic: string): boolean {
    return (this.consumers.get(topic)?.size ?? 0) > 0;
  }

  async request(topic: string, value: string): Promise<unknown> {
    const groups = this.consumers.get(topic);
    const handler = groups?.values().next().value;
    if (!handler) throw { code: 'PROVIDER_UNAVAILABLE', status: 503, message: new NoConsumerError(topic).message };
    return handler(value);
  }

  /** Delivers to every consumer group; throws when there is none, so the outbox keeps the event. */
  async emit(topic: string, value: string): Promise<void> {
    const handlers = [...(this.consumers.get(topic)?.values() ?? [])];
    if (handlers.length === 0 && this.expected && !this.expected.has(topic)) {
      if (!this.unread.has(topic))
        this.log.log(`本进程中没有服务消费 ${topic}，事件不被读取 (no service here consumes it: events go unread)`);
      this.unread.add(topic);
      return;
    }
    if (handlers.length === 0) throw new NoConsumerError(topic);
    for (const handler of handlers) await handler(value);
  }

  deadLetter(entry: Omit<InProcessDeadLetter, 'at'>): void {
    this.log.error(`死信 (dead-lettered) ${entry.topic} in ${entry.group}: ${entry.error}`);
    this.deadLetters.push({ ...entry, at: new Date().toISOString() });
    if (this.deadLetters.length > 1000) this.deadLetters.shift();
  }
}

export class NoConsumerError extends Error {
  constructor(readonly topic: string) {
    super(`没有服务在处理该主题 (no consumer for ${topic})`);
  }
}

/** One broker per process: every standalone service registers with it. */
export const inProcessBroker = new InProcessBroker();
