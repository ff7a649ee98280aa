import { createHash, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { fileTypeFromBuffer } from 'file-type';
import type { DataSource } from 'typeorm';
import { type BlobStore, DiskBlobStore, PgBlobStore } from './blob-store.js';
import { HttpMalwareScanner, type MalwareScanner } from './malware-scanner.js';
import { StoredFile } from './stored-file.entity.js';
import { FileStoreProblem } from './file-store.problems.js';
import { FileStoreConfig } from './file-store.config.js';

/** Media types accepted for application materials, as detected from the content. */
export const ACCEPTED_MEDIA_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'application/ofd'] as const;
/** Content types the upload endpoint takes (the declared one is not trusted; the content decides). */
export const UPLOAD_CONTENT_TYPES = ['application/octet-stream', ...ACCEPTED_MEDIA_TYPES];

export interface FileInfo {
  id: string;
  sha256: string;
  size: number;
  mediaType: string;
  fileName: string;
  scanStatus: StoredFile['scanStatus'];
  createdAt: string;
}

/**
 * File store for application materials: content-addressed (SHA-256, each content stored once),
 * type detected from the bytes (PDF, JPEG, PNG, OFD), size-limited, scanned through the
 * malware hook before anything is kept, in PostgreSQL or on disk behind one interface;
 * contents are checked against their hash when read.
 */
@Injectable()
export class FileStoreService {
  private readonly log = new Logger('FileStore');
  private readonly blobs: BlobStore;
  private readonly scanner: MalwareScanner | null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: FileStoreConfig,
  ) {
    this.blobs = config.FILE_STORE === 'pg' ? new PgBlobStore(dataSource) : new DiskBlobStore(config.FILE_STORE);
    this.scanner = config.FILE_SCAN_URL ? new HttpMalwareScanner(config.FILE_SCAN_URL) : null;
  }

  async upload(content: unknown, declaredName: string | undefined, owner: { subject: string; clientId: string }): Promise<FileInfo> {
    if (!Buffer.isBuffer(content) && content !== undefined && content !== null) {
      throw FileStoreProblem.UNSUPPORTED_MEDIA_TYPE(
        `请以原始字节上传，Content-Type 为 ${UPLOAD_CONTENT_TYPES.join('、')} 之一 (send the raw bytes with one of these content types)`,
      );
    }
    if (!Buffer.isBuffer(content) || content.length === 0) throw FileStoreProblem.EMPTY_FILE();
    if (content.length > this.config.FILE_MAX_BYTES)
      throw FileStoreProblem.FILE_TOO_LARGE(`文件超过 ${this.config.FILE_MAX_BYTES} 字节 (at most ${this.config.FILE_MAX_BYTES} bytes)`);
    const fileName = cleanName(declaredName);
    const mediaType = await detect(content, fileName);
    if (!mediaType) {
      throw FileStoreProblem.UNSUPPORTED_FILE_TYPE(fileName);
    }
    let scanStatus: StoredFile['scanStatus'] = 'unscanned';
    if (this.scanner) {
      let verdict: { clean: boolean; signature?: string };
      try {
        verdict = await this.scanner.scan(content, fileName);
      } catch (err) {
        this.log.warn(`病毒扫描不可用 (malware scanner unavailable): ${(err as Error).message}`);
        throw FileStoreProblem.SCANNER_UNAVAILABLE();
      }
      if (!verdict.clean) {
        this.log.warn(`拒收染毒文件 (infected upload refused) from ${owner.clientId}: ${verdict.signature ?? 'unknown'}`);
        throw FileStoreProblem.FILE_INFECTED(verdict.signature);
      }
      scanStatus = 'clean';
    }
    const sha256 = createHash('sha256').update(content).digest('hex');
    await this.blobs.put(sha256, content);
    const file: StoredFile = {
      id: randomUUID(),
      sha256,
      size: String(content.length),
      mediaType,
      fileName,
      owner: owner.subject.slice(0, 64),
      clientId: owner.clientId.slice(0, 64),
      scanStatus,
      createdAt: new Date(),
    };
    await this.dataSource.getRepository(StoredFile).insert(file);
    return info(file);
  }

  /** Metadata, if `who` may see it (the uploader; `null` = internal callers, who may see all). */
  async find(id: string, who: { subject: string } | null): Promise<StoredFile> {
    const file = await this.dataSource.getRepository(StoredFile).findOneBy({ id });
    if (!file || (who && file.owner !== who.subject)) throw FileStoreProblem.UNKNOWN_FILE(id);
    return file;
  }

  async info(id: string, who: { subject: string } | null): Promise<FileInfo> {
    return info(await this.find(id, who));
  }

  /** The content, checked against its SHA-256 (a changed blob is never served). */
  async content(id: string, who: { subject: string } | null): Promise<{ file: StoredFile; content: Buffer }> {
    const file = await this.find(id, who);
    const content = await this.blobs.get(file.sha256);
    if (!content || createHash('sha256').update(content).digest('hex') !== file.sha256) {
      this.log.error(`文件内容缺失或与摘要不符 (file content missing or altered) ${file.id} ${file.sha256}`);
      throw FileStoreProblem.FILE_CORRUPTED(file.id);
    }
    return { file, content };
  }
}

function info(f: StoredFile): FileInfo {
  return {
    id: f.id,
    sha256: f.sha256,
    size: Number(f.size),
    mediaType: f.mediaType,
    fileName: f.fileName,
    scanStatus: f.scanStatus,
    createdAt: f.createdAt.toISOString(),
  };
}

/** Media type from the bytes; OFD is a ZIP package named `.ofd` holding an `OFD.xml`. */
async function detect(content: Buffer, fileName: string): Promise<string | null> {
  const type = await fileTypeFromBuffer(content);
  if (!type) return null;
  if (type.mime === 'application/zip')
    return fileName.toLowerCase().endsWith('.ofd') && content.includes('OFD.xml') ? 'application/ofd' : null;
  return (ACCEPTED_MEDIA_TYPES as readonly string[]).includes(type.mime) ? type.mime : null;
}

/** A file name fit to store and to send back: no path, no control characters, at most 255 characters. */
function cleanName(raw: string | undefined): string {
  let name = raw ?? '';
  try {
    name = decodeURIComponent(name);
  } catch {
    /* keep as given */
  }
  name = [...name.split(/[\\/]/).pop()!]
    .map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f || '"<>|?*:'.includes(c) ? '_' : c))
    .join('')
    .trim();
  return (name || 'file').slice(0, 255);
}
