import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * PGlite (PostgreSQL compiled to WASM) on disk, served on a loopback port by pglite-socket so
 * that the services connect with their ordinary `pg` driver, migrations and queries.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, maxConnections: number): Promise<EmbeddedPostgres> {
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections });
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
