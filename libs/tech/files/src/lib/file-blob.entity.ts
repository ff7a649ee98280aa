import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** File contents in PostgreSQL (FILE_STORE=pg), content-addressed: one row per SHA-256. */
@Entity({ name: 'file_blob' })
export class FileBlob {
  @PrimaryColumn({ type: 'char', length: 64 })
  sha256!: string;

  @Column({ type: 'bytea' })
  content!: Buffer;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
