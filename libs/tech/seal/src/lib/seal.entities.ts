import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A registered electronic seal (电子印章) of an organisation: its GB/T 38540 seal (SESeal), the
 * SM2 key that signs with it (wrapped by the crypto provider), and the P-256 key and
 * certificate it signs PDFs with (PKCS#8 encrypted by the crypto provider).
 */
@Entity({ name: 'seal' })
@Index('IDX_seal_pades_fingerprint', ['padesFingerprint'])
export class Seal {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** 电子印章标识 (14 digits: region of the organisation + serial). */
  @Column({ type: 'varchar', length: 32, name: 'es_id', unique: true })
  esId!: string;

  @Column({ type: 'varchar', length: 18, name: 'organisation_code' })
  organisationCode!: string;

  @Column({ type: 'varchar', length: 128, name: 'organisation_name' })
  organisationName!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  /** official 公章, contract 合同专用章, approval 审批专用章, finance 财务专用章, personal 个人章 */
  @Column({ type: 'varchar', length: 16 })
  type!: 'official' | 'contract' | 'approval' | 'finance' | 'personal';

  @Column({ type: 'bytea' })
  picture!: Buffer;

  @Column({ type: 'varchar', length: 130, name: 'sm2_public_key' })
  sm2PublicKey!: string;

  /** WrappedPrivateKey.blob of the crypto provider (never the key itself). */
  @Column({ type: 'text', name: 'sm2_private_key' })
  sm2PrivateKey!: string;

  @Column({ type: 'bytea', name: 'sm2_certificate' })
  sm2Certificate!: Buffer;

  /** DER of the SESeal (GB/T 38540 v4) made by the platform's seal maker. */
  @Column({ type: 'bytea', name: 'seal_der' })
  sealDer!: Buffer;

  @Column({ type: 'bytea', name: 'pades_certificate' })
  padesCertificate!: Buffer;

  @Column({ type: 'char', length: 64, name: 'pades_fingerprint' })
  padesFingerprint!: string;

  /** PKCS#8 of the P-256 key, encrypted by the crypto provider (label `seal-key`, bound to the seal id). */
  @Column({ type: 'bytea', name: 'pades_key_enc' })
  padesKeyEnc!: Buffer;

  /**
   * The platform seal CA (`seal_ca.id`) that issued the P-256 certificate — sent with every PDF
   * signature as its chain. Null for a seal registered before the CA: its certificate is
   * self-signed, stays as it is (old documents keep verifying by its fingerprint) and is listed at start.
   */
  @Column({ type: 'varchar', length: 36, name: 'pades_issuer', nullable: true })
  padesIssuer!: string | null;

  @Column({ type: 'timestamptz', name: 'valid_from' })
  validFrom!: Date;

  @Column({ type: 'timestamptz', name: 'valid_to' })
  validTo!: Date;

  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'varchar', length: 256, name: 'revoked_reason', nullable: true })
  revokedReason!: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}

/** Who may use a seal: a business-line app (as dispatch names it in CallMeta.app). */
@Entity({ name: 'seal_grant' })
export class SealGrant {
  @PrimaryColumn({ type: 'uuid', name: 'seal_id' })
  sealId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  grantee!: string;

  @Column({ type: 'varchar', length: 64, name: 'granted_by' })
  grantedBy!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}

/** Every use of a seal, and every refused attempt (用印记录). */
@Entity({ name: 'seal_use' })
@Index('IDX_seal_use_seal', ['sealId', 'at'])
export class SealUse {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'uuid', name: 'seal_id' })
  sealId!: string;

  @Column({ type: 'varchar', length: 64 })
  app!: string;

  @Column({ type: 'varchar', length: 128, name: 'end_user', nullable: true })
  endUser!: string | null;

  @Column({ type: 'varchar', length: 256, nullable: true })
  purpose!: string | null;

  @Column({ type: 'varchar', length: 8 })
  kind!: 'pdf' | 'data';

  /** SHA-256 (pdf) or SM3 (data) of the document, hex. */
  @Column({ type: 'char', length: 64, name: 'document_hash' })
  documentHash!: string;

  @Column({ type: 'varchar', length: 8 })
  outcome!: 'SIGNED' | 'REFUSED';

  @Column({ type: 'varchar', length: 64, nullable: true })
  reason!: string | null;

  @Column({ type: 'varchar', length: 128, name: 'correlation_id' })
  correlationId!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;
}

/** The platform's seal maker (制章系统): the SM2 key and certificate that sign every SESeal. */
@Entity({ name: 'seal_maker' })
export class SealMaker {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 130, name: 'public_key' })
  publicKey!: string;

  @Column({ type: 'text', name: 'private_key' })
  privateKey!: string;

  @Column({ type: 'bytea' })
  certificate!: Buffer;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}

/**
 * The platform seal CA (电子印章 CA): one row per key — `seal-ca-p256` (ECDSA P-256) issues the
 * seals' PDF certificates, which ordinary PDF readers verify; `seal-ca-sm2` issues the seals'
 * SM2 certificates (GB/T 38540). Created once on first start; the certificates are published at
 * `GET /pki/seal-ca.pem` (and `.der`, `seal-ca-sm2.*`). The keys are kept as the seals' keys are: SM2 wrapped by the crypto
 * provider, the P-256 PKCS#8 encrypted by it (label `seal-key`, bound to the CA id).
 */
@Entity({ name: 'seal_ca' })
export class SealCa {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 8 })
  algorithm!: 'p256' | 'sm2';

  /** SM2: the public key (hex) and WrappedPrivateKey.blob of the crypto provider. */
  @Column({ type: 'varchar', length: 130, name: 'sm2_public_key', nullable: true })
  sm2PublicKey!: string | null;

  @Column({ type: 'text', name: 'sm2_private_key', nullable: true })
  sm2PrivateKey!: string | null;

  /** P-256: the PKCS#8, encrypted by the crypto provider. */
  @Column({ type: 'bytea', name: 'key_enc', nullable: true })
  keyEnc!: Buffer | null;

  /** DER of the self-signed CA certificate. */
  @Column({ type: 'bytea' })
  certificate!: Buffer;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
