import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** An in-app message (站内信) for an account (citizen id or `staff:<id>`), or for a person by subject key (`subject:<key>`). */
@Entity({ name: 'inbox_message' })
@Index('IDX_inbox_message_subject', ['subject', 'createdAt'])
export class InboxMessage {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'varchar', length: 80 })
  subject!: string;

  @Column({ type: 'varchar', length: 128 })
  title!: string;

  @Column({ type: 'varchar', length: 1024 })
  body!: string;

  @Column({ type: 'timestamptz', name: 'read_at', nullable: true })
  readAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
