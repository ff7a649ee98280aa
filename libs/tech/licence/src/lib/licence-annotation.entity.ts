import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An annotation (加注件) added to a licence by its issuer; never changed. */
@Entity({ name: 'licence_annotation' })
export class LicenceAnnotationRow {
  @PrimaryColumn({ type: 'varchar', length: 128, name: 'licence_id' })
  licenceId!: string;

  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  @Column({ type: 'varchar', length: 512 })
  text!: string;

  /** The app that added it. */
  @Column({ type: 'varchar', length: 64 })
  by!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;
}
