import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import canonicalize from 'canonicalize';
import type { DataSource, EntityManager } from 'typeorm';
import type { ArchiveDepositInput, ArchiveDepositReply, ArchiveProblem, ArchiveVerifyReply, CallMeta } from '@gmp/contracts';
import type { CryptoProvider } from '@gmp/gm-crypto';
import { CRYPTO_PROVIDER } from '@gmp/service-kit';
import { FileStoreService } from '@gmp/tech-files';
import { ArchiveEntry, ArchivePackage, ArchiveSigningKey } from './archive.entities.js';
import { ArchivingProblem } from './archive.problems.js';

const CURRENT_KEY = 'archive-key-1';

/**
 * E-archive (电子档案): a case's records deposited as one package. Entries are chained with
 * SM3 (each hash covers the one before, its position, kind, title and content hash), the head
 * and the package facts are signed with SM2 through the crypto provider, and the database
 * refuses updates and early deletion (trigger). `verify` recomputes everything, so a change
 * made by anyone who got past the trigger is still found.
 */
@Injectable()
export class ArchiveService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CRYPTO_PROVIDER) private readonly crypto: CryptoProvider,
    private readonly files: FileStoreService,
  ) {}

  async deposit(meta: CallMeta, input: ArchiveDepositInput): Promise<ArchiveDepositReply> {
    if ((input.retentionYears === undefined) === !input.permanent) {
      throw ArchivingProblem.RETENTION_REQUIRED();
    }
    const packageId = randomUUID();
    const depositedAt = new Date();
    const retainUntil = input.permanent
      ? null
      : new Date(Date.UTC(depositedAt.getUTCFullYear() + input.retentionYears!, depositedAt.getUTCMonth(), depositedAt.getUTCDate()));
    let prev = this.genesis(packageId);
    const entries: ArchiveEntry[] = [];
    for (const [i, e] of input.entries.entries()) {
      if ((e.record === undefined) === (e.fileId === undefined))
        throw ArchivingProblem.ENTRY_INVALID(`第 ${i + 1} 条须有 record 或 fileId 之一 (entry ${i + 1}: give either record or fileId)`);
      const contentHash = e.record !== undefined ? this.recordHash(e.record) : await this.fileHash(e.fileId!, i + 1);
      const seq = i + 1;
      const entryHash = this.chain(prev, seq, e.kind, e.title, contentHash);
      entries.push({
        packageId,
        seq,
        kind: e.kind,
        title: e.title,
        record: e.record ?? null,
        fileId: e.fileId ?? null,
        contentHash,
        prevHash: prev,
        entryHash,
      });
      prev = entryHash;
    }
    const key = await this.signingKey();
    const pkg: ArchivePackage = {
      id: packageId,
      app: meta.app,
      caseId: input.caseId,
      title: input.title,
      entryCount: entries.length,
      headHash: prev,
      signature: '',
      keyId: key.id,
      retentionYears: input.retentionYears ?? null,
      retainUntil,
      depositedAt,
    };
    pkg.signature = this.crypto.sm2Sign({ provider: this.crypto.name, blob: key.privateKey }, Buffer.from(statement(pkg))).toString('hex');
    try {
      await this.dataSource.transaction(async (m: EntityManager) => {
        await m.insert(ArchivePackage, pkg);
        for (let i = 0; i < entries.length; i += 100) await m.insert(ArchiveEntry, entries.slice(i, i + 100) as never);
      });
    } catch (err) {
      if ((err as { driverError?: { code?: string } }).driverError?.code === '23505') throw ArchivingProblem.ALREADY_ARCHIVED(input.caseId);
      throw err;
    }
    return {
      packageId,
      entries: entries.length,
      headHash: prev,
      ...(retainUntil ? { retainUntil: retainUntil.toISOString().slice(0, 10) } : {}),
    };
  }

  async verify(packageId: string): Promise<ArchiveVerifyReply> {
    const pkg = await this.dataSource.getRepository(ArchivePackage).findOneBy({ id: packageId });
    if (!pkg) throw ArchivingProblem.UNKNOWN_PACKAGE(packageId);
    const entries = await this.dataSource.getRepository(ArchiveEntry).find({ where: { packageId }, order: { seq: 'ASC' } });
    const problems: ArchiveProblem[] = [];
    let prev = this.genesis(packageId);
    for (let seq = 1, i = 0; seq <= Math.max(pkg.entryCount, entries.at(-1)?.seq ?? 0); seq++) {
      const e = entries[i]?.seq === seq ? entries[i++] : undefined;
      if (!e) {
        problems.push({ seq, problem: 'ENTRY_MISSING' });
        continue;
      }
      const content = e.record !== null ? this.recordHash(e.record) : await this.fileHash(e.fileId!, seq).catch(() => null);
      if (content === null) problems.push({ seq, problem: 'FILE_MISSING' });
      else if (content !== e.contentHash) problems.push({ seq, problem: 'CONTENT_CHANGED' });
      const expected = this.chain(prev, seq, e.kind, e.title, e.contentHash);
      if (e.prevHash !== prev || e.entryHash !== expected) problems.push({ seq, problem: 'CHAIN_BROKEN' });
      prev = expected;
    }
    if (prev !== pkg.headHash) problems.push({ seq: 0, problem: 'HEAD_MISMATCH' });
    const key = await this.dataSource.getRepository(ArchiveSigningKey).findOneBy({ id: pkg.keyId });
    if (!key || !this.crypto.sm2Verify(key.publicKey, Buffer.from(statement(pkg)), Buffer.from(pkg.signature, 'hex')))
      problems.push({ seq: 0, problem: 'SIGNATURE_INVALID' });
    return {
      valid: problems.length === 0,
      entries: entries.length,
      problems,
      caseId: pkg.caseId,
      depositedAt: pkg.depositedAt.toISOString(),
    };
  }

  private genesis(packageId: string): string {
    return this.crypto.sm3(`gov-mp-archive-v1|${packageId}`).toString('hex');
  }

  private chain(prev: string, seq: number, kind: string, title: string, contentHash: string): string {
    return this.crypto.sm3(`${prev}|${seq}|${kind}|${title}|${contentHash}`).toString('hex');
  }

  private recordHash(record: Record<string, unknown>): string {
    return this.crypto.sm3(canonicalize(record) ?? 'null').toString('hex');
  }

  private async fileHash(fileId: string, seq: number): Promise<string> {
    try {
      return this.crypto.sm3((await this.files.content(fileId, null)).content).toString('hex');
    } catch {
      throw ArchivingProblem.ENTRY_FILE_MISSING(`第 ${seq} 条 (entry ${seq}): file ${fileId}`);
    }
  }

  /** The archive's signing key, created (wrapped by the crypto provider) on first use. */
  private async signingKey(): Promise<ArchiveSigningKey> {
    const repo = this.dataSource.getRepository(ArchiveSigningKey);
    const existing = await repo.findOneBy({ id: CURRENT_KEY });
    if (existing) return existing;
    const pair = this.crypto.generateSm2KeyPair();
    await repo
      .createQueryBuilder()
      .insert()
      .values({ id: CURRENT_KEY, publicKey: pair.publicKey, privateKey: pair.privateKey.blob })
      .orIgnore()
      .execute();
    return repo.findOneByOrFail({ id: CURRENT_KEY });
  }
}

/** What the signature covers: the package facts and the head of the chain, as canonical JSON. */
function statement(p: ArchivePackage): string {
  return canonicalize({
    v: 1,
    packageId: p.id,
    app: p.app,
    caseId: p.caseId,
    title: p.title,
    entries: p.entryCount,
    headHash: p.headHash,
    depositedAt: p.depositedAt.toISOString(),
    retainUntil: p.retainUntil?.toISOString() ?? null,
  })!;
}
