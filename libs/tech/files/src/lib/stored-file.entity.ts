import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** An uploaded application material (申请材料): metadata; the content is stored once per SHA-256. */
@Entity({ name: 'stored_file' })
@Index('IDX_stored_file_sha256', ['sha256'])
export class StoredFile {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'char', length: 64 })
  sha256!: string;

  @Column({ type: 'bigint' })
  size!: string;

  /** Detected from the content (magic bytes), not taken from the uploader. */
  @Column({ type: 'varchar', length: 64, name: 'media_type' })
  mediaType!: string;

  @Column({ type: 'varchar', length: 255, name: 'file_name' })
  fileName!: string;

  /** Who uploaded it: the token's subject (a person, staff member, or an app's client id). */
  @Column({ type: 'varchar', length: 64 })
  owner!: string;

  @Column({ type: 'varchar', length: 64, name: 'client_id' })
  clientId!: string;

  /** unscanned (no scanner configured) | clean | infected (refused, content not kept) */
  @Column({ type: 'varchar', length: 16, name: 'scan_status' })
  scanStatus!: 'unscanned' | 'clean';

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
