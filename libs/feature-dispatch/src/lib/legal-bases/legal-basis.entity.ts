import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export const LEGAL_BASIS_STATUSES = ['active', 'retired'] as const;
export type LegalBasisStatus = (typeof LEGAL_BASIS_STATUSES)[number];

/** What a legal-basis code looks like: ASCII, so the header needs no encoding. */
export const LEGAL_BASIS_CODE = /^[a-z0-9][a-z0-9._-]{1,63}$/;

/**
 * A registered legal basis (法定依据): a law and article that lets apps read personal data
 * without the data subject's authorisation, and which capabilities it opens. An app may declare
 * one in `X-Legal-Basis` only when the capability's owner approved it for the app's
 * subscription; a free-text basis is never accepted.
 */
@Entity({ name: 'legal_basis' })
export class LegalBasis {
  /** e.g. `gov-data-sharing.art-13` — what apps send in X-Legal-Basis. */
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_legal_basis' })
  code!: string;

  /** The law or regulation, e.g. 《政务数据共享条例》. */
  @Column({ type: 'varchar', length: 128 })
  law!: string;

  /** The article(s), e.g. 第十三条. */
  @Column({ type: 'varchar', length: 64 })
  article!: string;

  /** What the article allows, in a sentence (shown to owners and, in "who used my data", to citizens). */
  @Column({ type: 'varchar', length: 512 })
  summary!: string;

  /** The capabilities this basis opens (codes). */
  @Column({ type: 'varchar', length: 64, array: true })
  capabilities!: string[];

  /** Which data it opens, in words (e.g. 电子证照目录信息). */
  @Column({ type: 'varchar', length: 256, name: 'data_opened' })
  dataOpened!: string;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: LegalBasisStatus;

  @Column({ type: 'varchar', length: 64, name: 'registered_by' })
  registeredBy!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'registered_at' })
  registeredAt!: Date;

  @Column({ type: 'timestamptz', name: 'retired_at', nullable: true })
  retiredAt!: Date | null;
}

/** How a basis is named to people: 《law》article. */
export function legalBasisTitle(basis: Pick<LegalBasis, 'law' | 'article'>): string {
  return `${basis.law}${basis.article}`;
}
