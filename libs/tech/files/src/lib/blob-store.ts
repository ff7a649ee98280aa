import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { quoteTablePath } from '@gmp/messaging';
import { FileBlob } from './file-blob.entity.js';

/** Where contents live, addressed by SHA-256 (hex). `put` of content already there is a no-op. */
export interface BlobStore {
  readonly kind: string;
  put(sha256: string, content: Buffer): Promise<void>;
  get(sha256: string): Promise<Buffer | null>;
}

/** Contents as bytea rows in the service's own schema (default; backups come with the database). */
export class PgBlobStore implements BlobStore {
  readonly kind = 'pg';

  constructor(private readonly dataSource: DataSource) {}

  async put(sha256: string, content: Buffer): Promise<void> {
    const table = quoteTablePath(this.dataSource.getRepository(FileBlob).metadata.tablePath);
    await this.dataSource.query(`INSERT INTO ${table} (sha256, content) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING`, [
      sha256,
      content,
    ]);
  }

  async get(sha256: string): Promise<Buffer | null> {
    return (await this.dataSource.getRepository(FileBlob).findOneBy({ sha256 }))?.content ?? null;
  }
}

/** Contents as files under a directory (`ab/abcdef…`), written to a temporary name and renamed (no torn files). */
export class DiskBlobStore implements BlobStore {
  readonly kind = 'disk';

  constructor(private readonly root: string) {}

  async put(sha256: string, content: Buffer): Promise<void> {
    const dir = join(this.root, sha256.slice(0, 2));
    const path = join(dir, sha256);
    if (
      await stat(path).then(
        () => true,
        () => false,
      )
    )
      return;
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `.${sha256}.${randomUUID()}.tmp`);
    await writeFile(tmp, content, { flag: 'wx' });
    await rename(tmp, path);
  }

  async get(sha256: string): Promise<Buffer | null> {
    return readFile(join(this.root, sha256.slice(0, 2), sha256)).catch(() => null);
  }
}
