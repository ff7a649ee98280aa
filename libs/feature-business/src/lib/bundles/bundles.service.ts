import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CatalogueProblem } from '../business.problems.js';
import { MattersService } from '../matters/matters.service.js';
import { BizBundle } from './bundles.entities.js';

/** Reads and retires published bundles. A plan is `stale` when a matter changed since it was compiled. */
@Injectable()
export class BundlesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly matters: MattersService,
  ) {}

  async list(): Promise<BizBundle[]> {
    return this.dataSource.getRepository(BizBundle).find({ order: { code: 'ASC', version: 'DESC' }, take: 500 });
  }

  /** A version, or the highest active one. */
  async get(code: string, version?: number): Promise<BizBundle> {
    const repo = this.dataSource.getRepository(BizBundle);
    const bundle =
      version === undefined
        ? (await repo.find({ where: { code, status: 'active' }, order: { version: 'DESC' }, take: 1 }))[0]
        : await repo.findOneBy({ code, version });
    if (!bundle) throw CatalogueProblem.BUNDLE_NOT_FOUND(version === undefined ? code : `${code} v${version}`);
    return bundle;
  }

  /** Matters whose version moved on since the plan was compiled. */
  async staleMatters(bundle: BizBundle): Promise<string[]> {
    const current = await this.matters.definitions(Object.keys(bundle.matterVersions));
    return current.filter((m) => m.version !== bundle.matterVersions[m.code]).map((m) => m.code);
  }

  async retire(code: string, version: number, reason: string, by: string): Promise<BizBundle> {
    return this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(BizBundle);
      const bundle = await repo.findOne({ where: { code, version }, lock: { mode: 'pessimistic_write' } });
      if (!bundle) throw CatalogueProblem.BUNDLE_NOT_FOUND(`${code} v${version}`);
      if (bundle.status === 'retired') throw CatalogueProblem.BUNDLE_RETIRED(`${code} v${version}`);
      const patch = { status: 'retired' as const, retiredAt: new Date(), retiredBy: by.slice(0, 128), retireReason: reason };
      await repo.update({ code, version }, patch);
      return { ...bundle, ...patch };
    });
  }
}
