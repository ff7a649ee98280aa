import { Column, Entity, PrimaryColumn } from 'typeorm';

/** 标签: a tag defined by a CEL rule over subjects' profiles; its current version. */
@Entity({ name: 'data_tag' })
export class DataTag {
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_data_tag' })
  code!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ type: 'varchar', length: 2000 })
  rule!: string;

  @Column({ type: 'int' })
  version!: number;

  @Column({ type: 'varchar', length: 128, name: 'updated_by' })
  updatedBy!: string;

  @Column({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}

/** Every published version of every tag's rule. */
@Entity({ name: 'data_tag_version' })
export class DataTagVersion {
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_data_tag_version' })
  code!: string;

  @PrimaryColumn({ type: 'int', primaryKeyConstraintName: 'PK_data_tag_version' })
  version!: number;

  @Column({ type: 'varchar', length: 2000 })
  rule!: string;

  @Column({ type: 'varchar', length: 128, name: 'published_by' })
  publishedBy!: string;

  @Column({ type: 'timestamptz', name: 'published_at' })
  publishedAt!: Date;
}

/** Who holds a tag now (by the subject's keyed hash), since when. */
@Entity({ name: 'data_tag_member' })
export class DataTagMember {
  @PrimaryColumn({ type: 'varchar', length: 64, name: 'tag_code', primaryKeyConstraintName: 'PK_data_tag_member' })
  tagCode!: string;

  @PrimaryColumn({ type: 'char', length: 64, name: 'subject_key', primaryKeyConstraintName: 'PK_data_tag_member' })
  subjectKey!: string;

  @Column({ type: 'timestamptz' })
  since!: Date;
}
