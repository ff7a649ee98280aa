import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskBlobStore } from './blob-store.js';

describe('disk blob store', () => {
  const root = mkdtempSync(join(tmpdir(), 'blobs-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('stores content under its hash once, leaves no temporary files, and reads it back', async () => {
    const store = new DiskBlobStore(root);
    const content = Buffer.from('申请材料 content');
    const sha = createHash('sha256').update(content).digest('hex');
    await Promise.all([store.put(sha, content), store.put(sha, content), store.put(sha, content)]);
    expect(readdirSync(join(root, sha.slice(0, 2)))).toEqual([sha]);
    expect((await store.get(sha))!.equals(content)).toBe(true);
    expect(await store.get('0'.repeat(64))).toBeNull();
  });
});
