import { chmodSync, mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** pglite-socket's queue of protocol messages from all connections (version 0.2.x; pinned in package.json). */
interface QueueItem {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(err: unknown): void;
  onData(data: Uint8Array): void;
}
interface QueryQueue {
  queue: QueueItem[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

/** Messages that end an exchange: Sync, a simple Query, Terminate, or an untyped start-up/SSL message. */
const endsExchange = (m: Uint8Array) => m.length === 0 || m[0] === 0x53 || m[0] === 0x51 || m[0] === 0x58 || m[0] === 0x00;

/**
 * pglite-socket runs every connection's messages on PGlite's one session, one message at a
 * time, and keeps a connection's messages together only inside a transaction. The extended
 * query protocol the `pg` driver uses for every parameterised statement (Parse, Bind, Describe,
 * Execute … Sync) would then interleave between connections — one connection binding another's
 * unnamed statement — and a failed message left the queue stalled. This queue keeps each
 * connection's exchange together up to its Sync (and its transaction up to its end), goes on
 * after a failed message, and lets go of a connection that went away.
 */
export function keepSequencesTogether(q: QueryQueue): void {
  let open: number | null = null; // the connection in the middle of an extended-query exchange
  q.processQueue = async function processQueue(this: QueryQueue): Promise<void> {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const owner = open ?? (this.db.isInTransaction() ? this.lastHandlerId : null);
        const index = owner === null ? 0 : this.queue.findIndex((item) => item.handlerId === owner);
        if (index === -1) break; // that connection's next message has not arrived yet
        const item = this.queue.splice(index, 1)[0]!;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, { onRawData: (data: Uint8Array) => ((bytes += data.length), item.onData(data)) }),
          );
        } catch (err) {
          open = endsExchange(item.message) ? null : item.handlerId;
          this.lastHandlerId = item.handlerId;
          item.reject(err);
          continue;
        }
        open = endsExchange(item.message) ? null : item.handlerId;
        this.lastHandlerId = item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };
  const clear = q.clearQueueForHandler.bind(q);
  q.clearQueueForHandler = (handlerId: number) => {
    clear(handlerId);
    if (open === handlerId) open = null;
    void q.processQueue();
  };
}

/**
 * PGlite (PostgreSQL compiled to WASM) on disk, served on a loopback port by pglite-socket so
 * that the services connect with their ordinary `pg` driver, migrations and queries.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, maxConnections: number): Promise<EmbeddedPostgres> {
  // Only its owner may read the store (PGlite writes its files world-readable): the directory is 0700.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  const db = await PGlite.create(dataDir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections });
  keepSequencesTogether((server as unknown as { queryQueue: QueryQueue }).queryQueue);
  await server.start();
  const address = (server as unknown as { server?: { address(): { port: number } | string | null } }).server?.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `postgres://postgres@127.0.0.1:${actualPort}/postgres`,
    dataDir,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
