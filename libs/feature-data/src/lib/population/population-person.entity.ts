import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * A record of the population base library (人口基础库), keyed by the keyed hash of the ID
 * number (the number itself is not stored; a masked form is kept for operators).
 */
@Entity({ name: 'population_person' })
export class PopulationPerson {
  @PrimaryColumn({ type: 'char', length: 64, name: 'id_key' })
  idKey!: string;

  @Column({ type: 'varchar', length: 32, name: 'id_masked' })
  idMasked!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  /** 户籍状态: normal 正常, deceased 死亡, cancelled 注销. */
  @Column({ type: 'varchar', length: 16, default: 'normal' })
  status!: 'normal' | 'deceased' | 'cancelled';

  /** Where the record came from (the ingesting system; e.g. 公安人口库 exchange, demo-seed). */
  @Column({ type: 'varchar', length: 64 })
  source!: string;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
