import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The licence as issued (版式文件): the rendered PDF sealed by the issuing authority. Never changed. */
@Entity({ name: 'licence_document' })
export class LicenceDocument {
  @PrimaryColumn({ type: 'varchar', length: 128, name: 'licence_id', primaryKeyConstraintName: 'PK_licence_document' })
  licenceId!: string;

  @Column({ type: 'bytea' })
  pdf!: Buffer;

  @Column({ type: 'char', length: 64 })
  sha256!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
