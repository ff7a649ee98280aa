import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A one-time SMS login code (短信验证码): only its keyed hash is stored; valid 5 minutes, usable once. */
@Entity({ name: 'sms_login_code' })
@Index('IDX_sms_login_code_account', ['accountId'])
export class SmsLoginCode {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'uuid', name: 'account_id' })
  accountId!: string;

  /** HMAC-SM3 (crypto provider, label `otp:sms`) of `<account id>:<code>`, hex. */
  @Column({ type: 'char', length: 64, name: 'code_mac' })
  codeMac!: string;

  @Column({ type: 'timestamptz', name: 'expires_at' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', name: 'consumed_at', nullable: true })
  consumedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
