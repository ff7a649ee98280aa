import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { compileResource, type CompiledResource } from '../ingestion/quality-rules.js';
import { type BASE_LIBRARIES, RESOURCE_CODE, type ResourceView, type SHARING_TYPES } from './catalogue.dto.js';
import { DataResource, DataResourceVersion } from './catalogue.entities.js';
import { CatalogueProblem } from './catalogue.problems.js';

/** How long one instance trusts the version it compiled (a new version bites everywhere within this time). */
const TTL_MS = 2_000;

export interface CatalogueFilter {
  q?: string;
  department?: string;
  library?: (typeof BASE_LIBRARIES)[number];
  sharingType?: (typeof SHARING_TYPES)[number];
}

/** Reads the catalogue: a resource, its versions, search; and each resource's checks, compiled once per version. */
@Injectable()
export class CatalogueService {
  private readonly compiled = new Map<string, { resource: DataResource; checks: CompiledResource; until: number }>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The resource (404 RESOURCE_NOT_FOUND) with its compiled checks. */
  async require(code: string): Promise<{ resource: DataResource; checks: CompiledResource }> {
    const found = await this.find(code);
    if (!found) throw CatalogueProblem.RESOURCE_NOT_FOUND(code);
    return found;
  }

  /**
   * The resource with its compiled checks, or null; recompiled only when its version changed.
   * Inside a transaction, pass its manager: the lookup then uses the transaction's connection
   * (standalone has one connection; a second one would wait for the first forever).
   */
  async find(code: string, manager?: EntityManager): Promise<{ resource: DataResource; checks: CompiledResource } | null> {
    if (!RESOURCE_CODE.test(code)) return null;
    const hit = this.compiled.get(code);
    if (hit && hit.until > Date.now()) return hit;
    const resource = await (manager ?? this.dataSource.manager).getRepository(DataResource).findOneBy({ code });
    if (!resource) return null;
    const checks =
      hit && hit.checks.version === resource.version
        ? hit.checks
        : compileResource({ ...resource.definition, code, version: resource.version });
    const entry = { resource, checks, until: Date.now() + TTL_MS };
    if (this.compiled.size > 5_000) this.compiled.clear();
    this.compiled.set(code, entry);
    return entry;
  }

  forget(code: string): void {
    this.compiled.delete(code);
  }

  async list(filter: CatalogueFilter): Promise<ResourceView[]> {
    const qb = this.dataSource.getRepository(DataResource).createQueryBuilder('r').orderBy('r.code').take(500);
    const like = (s: string) => `%${s.replace(/[\\%_]/g, (x) => `\\${x}`)}%`;
    if (filter.q) qb.andWhere(`(r.code ILIKE :q OR r.name ILIKE :q OR r.definition->>'abstract' ILIKE :q)`, { q: like(filter.q) });
    if (filter.department) qb.andWhere('r.provider_department = :d', { d: filter.department });
    if (filter.library) qb.andWhere('r.library = :l', { l: filter.library });
    if (filter.sharingType) qb.andWhere('r.sharing_type = :s', { s: filter.sharingType });
    return (await qb.getMany()).map(resourceView);
  }

  async versions(code: string): Promise<{ version: number; changeNote: string | null; changedBy: string; changedAt: string }[]> {
    const rows = await this.dataSource.getRepository(DataResourceVersion).find({ where: { code }, order: { version: 'DESC' } });
    if (rows.length === 0) throw CatalogueProblem.RESOURCE_NOT_FOUND(code);
    return rows.map((r) => ({
      version: r.version,
      changeNote: r.changeNote,
      changedBy: r.changedBy,
      changedAt: r.changedAt.toISOString(),
    }));
  }
}

export function resourceView(r: DataResource): ResourceView {
  const { changeNote: _note, ...definition } = r.definition as typeof r.definition & { changeNote?: string };
  return {
    ...definition,
    code: r.code,
    version: r.version,
    status: r.status,
    recordSchema: r.recordSchema,
    updatedBy: r.updatedBy,
    updatedAt: r.updatedAt.toISOString(),
  };
}
