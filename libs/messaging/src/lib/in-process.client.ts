import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { type InProcessBroker, inProcessBroker } from './in-process.broker.js';

/**
 * NestJS client for standalone mode: `send()` and `emit()` go to the in-process broker as
 * JSON text, exactly what would travel over Kafka (a `{ key, value }` record sends its value).
 */
export class InProcessClient extends ClientProxy {
  constructor(private readonly broker: InProcessBroker = inProcessBroker) {
    super();
  }

  async connect(): Promise<void> {
    /* the broker is in this process */
  }
  async close(): Promise<void> {
    /* nothing to release */
  }

  unwrap<T>(): T {
    return this.broker as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    let cancelled = false;
    this.broker.request(String(packet.pattern), encode(packet.data)).then(
      (response) => !cancelled && callback({ response, isDisposed: true }),
      (err: unknown) => !cancelled && callback({ err, isDisposed: true }),
    );
    return () => {
      cancelled = true;
    };
  }

  protected async dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    return (await this.broker.emit(String(packet.pattern), encode(packet.data))) as T;
  }
}

function encode(data: unknown): string {
  const value = typeof data === 'object' && data !== null && 'value' in data ? (data as { value: unknown }).value : data;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
