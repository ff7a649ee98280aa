import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DataCorrection } from './corrections.entities.js';

/** The items of a subject with an open correction request (prefill marks them disputed). */
@Injectable()
export class OpenCorrections {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** `resourceCode|item` of each open request of the subject. */
  async of(subjectKey: string): Promise<Set<string>> {
    const rows = await this.dataSource
      .getRepository(DataCorrection)
      .find({ where: { subjectKey, status: 'open' }, select: { resourceCode: true, item: true } });
    return new Set(rows.map((r) => `${r.resourceCode}|${r.item}`));
  }
}
