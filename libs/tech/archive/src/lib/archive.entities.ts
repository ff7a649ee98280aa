import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** An archived case (电子档案): its entries are hash-chained and the head is SM2-signed. */
@Entity({ name: 'archive_package' })
@Index('UQ_archive_package_case', ['app', 'caseId'], { unique: true })
export class ArchivePackage {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** Who deposited it (the calling app) and its case id there. */
  @Column({ type: 'varchar', length: 64 })
  app!: string;

  @Column({ type: 'varchar', length: 64, name: 'case_id' })
  caseId!: string;

  @Column({ type: 'varchar', length: 128 })
  title!: string;

  @Column({ type: 'integer', name: 'entry_count' })
  entryCount!: number;

  /** SM3 chain hash of the last entry, hex. */
  @Column({ type: 'char', length: 64, name: 'head_hash' })
  headHash!: string;

  /** SM2 signature (DER, hex) over the package statement (see ArchiveService.statement). */
  @Column({ type: 'text' })
  signature!: string;

  @Column({ type: 'varchar', length: 36, name: 'key_id' })
  keyId!: string;

  @Column({ type: 'integer', name: 'retention_years', nullable: true })
  retentionYears!: number | null;

  /** End of the retention period; null = permanent (永久). Entries cannot be deleted before it (database trigger). */
  @Column({ type: 'timestamptz', name: 'retain_until', nullable: true })
  retainUntil!: Date | null;

  @Column({ type: 'timestamptz', name: 'deposited_at' })
  depositedAt!: Date;
}

/** One record of an archived case, chained to the one before. Never updated (database trigger). */
@Entity({ name: 'archive_entry' })
export class ArchiveEntry {
  @PrimaryColumn({ type: 'uuid', name: 'package_id' })
  packageId!: string;

  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  @Column({ type: 'varchar', length: 16 })
  kind!: string;

  @Column({ type: 'varchar', length: 128 })
  title!: string;

  /** The structured record (canonical JSON, RFC 8785, is what is hashed), or null for a file. */
  @Column({ type: 'jsonb', nullable: true })
  record!: Record<string, unknown> | null;

  @Column({ type: 'uuid', name: 'file_id', nullable: true })
  fileId!: string | null;

  /** SM3 of the record's canonical JSON or of the file's bytes, hex. */
  @Column({ type: 'char', length: 64, name: 'content_hash' })
  contentHash!: string;

  @Column({ type: 'char', length: 64, name: 'prev_hash' })
  prevHash!: string;

  @Column({ type: 'char', length: 64, name: 'entry_hash' })
  entryHash!: string;
}

/** The archive's SM2 signing keys (private key wrapped by the crypto provider). */
@Entity({ name: 'archive_signing_key' })
export class ArchiveSigningKey {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 130, name: 'public_key' })
  publicKey!: string;

  @Column({ type: 'text', name: 'private_key' })
  privateKey!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
