import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, In } from 'typeorm';
import { quoteTablePath } from '@gmp/messaging';
import { CatalogueProblem } from '../business.problems.js';
import type { MatterDefinition } from './matter-definition.js';
import { BizMatter, BizMatterVersion } from './matters.entities.js';

export interface MatterFilter {
  q?: string;
  department?: string;
  type?: string;
  target?: string;
}

/** One difference of "三级四同": matters sharing a 基本编码 whose name, type or legal basis differ across levels. */
export interface ConsistencyFinding {
  baseCode: string;
  field: 'name' | 'type' | 'legalBasis';
  values: { code: string; level: string; region: string; value: string }[];
}

/** Reads the matter catalogue: search, one matter, the matters of a bundle, the 三级四同 report. */
@Injectable()
export class MattersService {
  /** Versions never change once written: kept after the first read. */
  private readonly versions = new Map<string, MatterDefinition>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A matter as it was at `version` (what a bundle's cases run on). */
  async definitionAt(code: string, version: number): Promise<MatterDefinition> {
    const key = `${code}@${version}`;
    const cached = this.versions.get(key);
    if (cached) return cached;
    const row = await this.dataSource.getRepository(BizMatterVersion).findOneBy({ code, version });
    if (!row) throw CatalogueProblem.MATTER_NOT_FOUND(`${code} v${version}`);
    if (this.versions.size > 10_000) this.versions.clear();
    this.versions.set(key, row.definition);
    return row.definition;
  }

  async list(filter: MatterFilter): Promise<BizMatter[]> {
    const qb = this.dataSource.getRepository(BizMatter).createQueryBuilder('m').orderBy('m.code').take(500);
    const like = (s: string) => `%${s.replace(/[\\%_]/g, (x) => `\\${x}`)}%`;
    if (filter.q) qb.andWhere('(m.code ILIKE :q OR m.name ILIKE :q OR m.base_code = :exact)', { q: like(filter.q), exact: filter.q });
    if (filter.department) qb.andWhere('m.department = :d', { d: filter.department });
    if (filter.type) qb.andWhere('m.type = :t', { t: filter.type });
    if (filter.target) qb.andWhere('m.target = :g', { g: filter.target });
    return qb.getMany();
  }

  async get(code: string): Promise<BizMatter> {
    const matter = await this.dataSource.getRepository(BizMatter).findOneBy({ code });
    if (!matter) throw CatalogueProblem.MATTER_NOT_FOUND(code);
    return matter;
  }

  /** The current definitions of the given matters (absent ones left out: the compiler names them). */
  async definitions(codes: string[], m: EntityManager = this.dataSource.manager): Promise<BizMatter[]> {
    return codes.length === 0 ? [] : m.getRepository(BizMatter).findBy({ code: In([...new Set(codes)]) });
  }

  /** 三级四同: for each 基本编码 implemented more than once, the name, type and legal basis that are not the same everywhere. */
  async consistency(): Promise<ConsistencyFinding[]> {
    const rows = await this.dataSource
      .getRepository(BizMatter)
      .createQueryBuilder('m')
      .where(
        `m.base_code IN (SELECT base_code FROM ${quoteTablePath(this.dataSource.getMetadata(BizMatter).tablePath)} GROUP BY base_code HAVING count(*) > 1)`,
      )
      .orderBy('m.base_code')
      .addOrderBy('m.code')
      .getMany();
    const groups = new Map<string, BizMatter[]>();
    for (const r of rows) groups.set(r.baseCode, [...(groups.get(r.baseCode) ?? []), r]);
    const findings: ConsistencyFinding[] = [];
    for (const [baseCode, matters] of groups)
      for (const field of ['name', 'type', 'legalBasis'] as const) {
        const values = matters.map((x) => ({
          code: x.code,
          level: x.level,
          region: x.region,
          value: String((x.definition as MatterDefinition)[field]),
        }));
        if (new Set(values.map((v) => v.value)).size > 1) findings.push({ baseCode, field, values });
      }
    return findings;
  }
}
